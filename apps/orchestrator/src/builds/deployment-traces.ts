/**
 * The trace each requested deployment belongs to (the `traceparent` its DeploymentRequested
 * carried), so the build, claimed later by the scheduler outside the request's async context,
 * continues it: request → outbox → transport → orchestrator → build → status events → edge.
 * In memory and bounded: an orchestrator that claims a deployment another instance accepted (or
 * one requested before a restart) starts the build's own trace. Empty while tracing is off.
 */
class DeploymentTraces {
  private readonly byDeployment = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  remember(deploymentId: string, traceparent: string | undefined): void {
    if (!traceparent) return;
    if (this.byDeployment.size >= this.max) this.byDeployment.delete(this.byDeployment.keys().next().value!);
    this.byDeployment.set(deploymentId, traceparent);
  }

  /** The trace to continue, once: the entry goes with it. */
  take(deploymentId: string): string | undefined {
    const traceparent = this.byDeployment.get(deploymentId);
    this.byDeployment.delete(deploymentId);
    return traceparent;
  }
}

export const deploymentTraces = new DeploymentTraces();
