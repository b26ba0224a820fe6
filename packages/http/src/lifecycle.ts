/**
 * The life cycle both apps report in `/status` and `/readyz`, one vocabulary for both:
 * created → starting → running → stopping → stopped, or failed when the service died for good
 * (the stream reader gave up, the consumer crashed without a restart).
 */
export type LifecycleState = "created" | "starting" | "running" | "stopping" | "stopped" | "failed";
