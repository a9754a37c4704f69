/** v1 Events as controllers record them (K: staging/src/k8s.io/client-go/tools/record). */
import { ApiError } from "./errors";
import { R, type Registry } from "./registry";
import { randomSuffix, timestamp, type Obj } from "./util";

export class EventRecorder {
  constructor(private readonly registry: Registry) {}

  record(involved: Obj, type: "Normal" | "Warning", reason: string, message: string, component: string): void {
    const now = timestamp();
    const ns = involved.metadata.namespace ?? "default";
    try {
      this.registry.create(R.events, ns, {
        metadata: { name: `${involved.metadata.name}.${randomSuffix(8)}${randomSuffix(8)}`, namespace: ns },
        involvedObject: {
          kind: involved.kind,
          namespace: ns,
          name: involved.metadata.name,
          uid: involved.metadata.uid,
          apiVersion: involved.apiVersion,
          resourceVersion: involved.metadata.resourceVersion,
        },
        reason,
        message,
        source: { component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: "",
      }, { fieldManager: component });
    } catch (e) {
      // An event is best effort: a namespace being torn down refuses new content.
      if (!(e instanceof ApiError)) throw e;
    }
  }
}
