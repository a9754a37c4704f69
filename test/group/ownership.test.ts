import { describe, expect, it } from "vitest";
import { describeOwner } from "../../src/group/ownership";

describe("describeOwner", () => {
  it("names the manager that made the object, not the controller that wrote its status in the same second", () => {
    // As the real API server lists a Job made by `kubectl create job` once the Job controller ran.
    const job = {
      metadata: {
        name: "made-by-hand",
        managedFields: [
          { manager: "kube-controller-manager", operation: "Update", time: "2026-12-02T01:22:10Z", subresource: "status" },
          { manager: "kubectl-create", operation: "Update", time: "2026-12-02T01:22:10Z" },
        ],
      },
    };
    expect(describeOwner(job)).toBe("field manager kubectl-create");
  });

  it("takes the earliest writer of the object itself", () => {
    const cm = { metadata: { name: "c", managedFields: [{ manager: "kubectl-edit", time: "2026-12-02T02:00:00Z" }, { manager: "helm", time: "2026-12-01T00:00:00Z" }] } };
    expect(describeOwner(cm)).toBe("field manager helm");
  });
});
