/**
 * The alarm thresholds of {@link ApiMonitoring} unless given, in one place. The healthy-hosts floor
 * is not here: it is the service's desired count.
 */
export const API_MONITORING_DEFAULTS = {
  /** Unhealthy targets tolerated (any failing /healthz check alarms). */
  unhealthyHosts: 0,
  /** TCP resets by targets per minute before it alarms (crashing or overloaded tasks). */
  targetResets: 10,
  /** 5xx answers per minute before it alarms. */
  serverErrors: 5,
  /** ACM renews DNS-validated certificates 60 days ahead; still under this means renewal is stuck. */
  certificateExpiryDays: 30,
} as const;
