/**
 * The public face of the test cluster: what tests, benchmarks and `npm run fake-cluster`
 * use. Everything else under test/fake-cluster/ is its inside.
 */

export interface FakeClusterOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Multiplies every simulated duration (cold start, run time, backoff, deadlines, TTL). Default 1. */
  timeScale?: number;
  /** Run a container's `sh -c` command on the host and use its output as the log. Default false. */
  execCommands?: boolean;
  /** Minor version answered by /version, which picks the kubectl client the dispatcher runs. Default 32. */
  minorVersion?: number;
  /** Where to write the kubeconfig; default a fresh temporary directory removed by stop(). */
  kubeconfigPath?: string;
  /** Watch events kept for resuming from an older resourceVersion (beyond the last 1000, none older than 75 s); a watch from before them gets 410 Expired. Default 100000. */
  watchHistory?: number;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Per verb and resource counts of the requests the server answered. */
export interface RequestCount {
  /** get | list | watch | create | update | patch | delete | deletecollection | discovery | version | openapi | other */
  verb: string;
  /** e.g. "jobs", "pods", "pods/log", "configmaps", "jobs/status", "" for non-resource paths */
  resource: string;
  count: number;
}

/** Faults a test can switch on; each stays on until cleared or replaced. */
export interface FaultConfig {
  /** Answer 429 to (roughly) requests beyond this many per second, with Retry-After: retryAfterSeconds. */
  rateLimit?: { perSecond: number; retryAfterSeconds?: number; verbs?: string[]; resources?: string[] };
  /** Answer the next `count` matching requests with `status` (429, 403 as RBAC refuses, or 5xx), with or without Retry-After. */
  failNext?: { count: number; status: number; retryAfterSeconds?: number; verbs?: string[]; resources?: string[] };
  /** Delay every matching response by this many real milliseconds (not scaled). */
  slowMs?: number;
  /** Cut every watch stream after this many events, or after this many real milliseconds. */
  cutWatch?: { afterEvents?: number; afterMs?: number };
  /** At most this many Jobs per namespace: further creates get 403 "exceeded quota". */
  jobQuota?: number;
}

export interface FakeCluster {
  /** e.g. http://127.0.0.1:43121 */
  url: string;
  port: number;
  kubeconfigPath: string;
  /** A private kubectl cache dir (discovery and /version are cached per host:port). */
  cacheDir: string;
  /** Environment for child processes: KUBECONFIG and KUBECACHEDIR set, plus process.env. */
  env: Record<string, string>;
  /** Run the real kubectl against this cluster. Never throws on a non-zero exit. */
  kubectl(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Request counts since start or the last resetCounts(). */
  requestCounts(): RequestCount[];
  resetCounts(): void;
  setFaults(faults: FaultConfig): void;
  clearFaults(): void;
  /** Change the version /version answers (the dispatcher picks the client from it). */
  setMinorVersion(minor: number): void;
  /** Stop serving, end all simulated work and watch streams, remove temporary files. */
  stop(): Promise<void>;
}

/**
 * What a simulated pod does is read from annotations on the Job's pod template
 * (so they are copied onto every pod). Durations are kubectl-style ("1s", "250ms", "2m"),
 * simulated, and multiplied by the time scale.
 */
export const POD_BEHAVIOUR = {
  /** Pending time before the container starts (cold start). Default "0s". */
  coldStart: "fake.jobx.dev/cold-start",
  /** Running time before the container exits. Default "0s". */
  runTime: "fake.jobx.dev/run-time",
  /**
   * Exit code per attempt, comma separated: attempt n (0-based count of pods created for
   * the job, or for that completion index in Indexed mode) uses entry n, the last entry
   * repeats. Default "0". E.g. "1,1,0" fails twice then succeeds.
   */
  exitCodes: "fake.jobx.dev/exit-codes",
  /** Indexed jobs: per-index exit codes, ";"-separated "INDEX=codes", e.g. "0=1,0;3=1". Overrides exitCodes for those indexes. */
  exitCodesByIndex: "fake.jobx.dev/exit-codes-by-index",
  /**
   * The container log, lines separated by "\n". $VAR and ${VAR} are replaced from the
   * container's env (JOB_COMPLETION_INDEX included) plus HOSTNAME and POD_NAME.
   * Lines are timestamped evenly across the run time.
   */
  log: "fake.jobx.dev/log",
} as const;
