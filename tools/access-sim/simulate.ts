import { runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { PolicyDocument } from './assembly-index';

/** What the design needs from AWS for one request: allowed, or (for a boundary) denied. */
export type Expectation = 'allowed' | 'denied';

/**
 * One request a service or role makes at deploy or run time, with every policy AWS evaluates for
 * it. Built from the synthesized templates (see calls.ts), never from hand-copied ARNs.
 */
export interface AccessCall {
  /** What the request is for, in the design's words, e.g. `CodeBuild writes its build log`. */
  readonly call: string;
  /** A role ARN, a service principal such as `cloudwatch.amazonaws.com`, or {@link ANONYMOUS}. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  /** Identity policies of the principal (none for a service principal). */
  readonly identityPolicies: readonly { name: string; policy: PolicyDocument }[];
  /** The resource's policy: bucket, topic, key, trust or auth policy. */
  readonly resourcePolicy?: PolicyDocument;
  /**
   * What {@link resourcePolicy} is, for the table where several policies could refuse the call.
   * @default 'resource policy'
   */
  readonly resourcePolicyName?: string;
  /** Request context beyond what {@link evaluate} derives from the principal. */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /**
   * A list of principals the owning service checks besides IAM, after IAM allowed the request: a
   * VPC endpoint service's allowed principals. AWS's rule: `*`, the principal's ARN, or its
   * account's root ARN (`arn:aws:iam::<account>:root`, any principal of that account) admits it.
   */
  readonly allowedPrincipals?: readonly string[];
  /**
   * Further resource policies the owning service evaluates for the same request, each of which
   * must allow it just as {@link resourcePolicy} must: VPC Lattice checks the service network's
   * auth policy and then the service's, and refuses the request unless both allow it.
   * @default - none
   */
  readonly furtherResourcePolicies?: readonly { name: string; policy: PolicyDocument }[];
  /**
   * The owning service requires an explicit allow from the identity policies and from each
   * resource policy, whatever the accounts: where IAM lets either alone allow a principal of the
   * resource's own account, VPC Lattice wants both ("both auth policies and identity-based
   * policies need to have explicit allow statements", its user guide).
   * @default false
   */
  readonly explicitAllowRequired?: boolean;
  readonly expected: Expectation;
}

/** The outcome of one call. */
export interface Evaluated {
  readonly call: AccessCall;
  readonly decision: Expectation;
  /** iam-simulate's word: Allowed, ImplicitlyDenied or ExplicitlyDenied. */
  readonly detail: string;
}

/**
 * The principal of an unsigned request: no identity policies, no principal keys; allowed only
 * where a resource policy allows `*` (VPC Lattice evaluates an unsigned request this way).
 */
export const ANONYMOUS = 'anonymous';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?[^/]+$/;

/** The global condition keys AWS sets from the principal (iam-simulate leaves them to the caller). */
function principalContext(principal: string): Record<string, string> {
  if (principal === ANONYMOUS) return {};
  const role = ROLE_ARN.exec(principal);
  if (role) return { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': role[1], 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalIsAWSService': 'false' };
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(principal)) return { 'aws:PrincipalServiceName': principal, 'aws:PrincipalIsAWSService': 'true' };
  throw new Error(`unsupported principal ${principal}: use a role ARN or a service principal`);
}

/**
 * Evaluates one call the way IAM does (identity policy, resource policy, cross-account rules,
 * KMS key policies, conditions). A simulation input error fails the test instead of reading as
 * "denied".
 */
export async function evaluate(call: AccessCall): Promise<Evaluated> {
  const further = call.furtherResourcePolicies ?? [];
  const policies = [{ name: call.resourcePolicyName ?? 'resource policy', policy: call.resourcePolicy }, ...further];
  for (const { name, policy } of policies) {
    const result = await simulateWith(call, policy);
    // Which policy refused it, where more than one could have.
    const of = further.length > 0 ? ` (${name})` : '';
    if (result.overall !== 'Allowed') return { call, decision: 'denied', detail: `${result.overall}${of}` };
    if (call.explicitAllowRequired && call.principal !== ANONYMOUS && result.identity !== 'Allowed') return { call, decision: 'denied', detail: `${result.identity ?? 'ImplicitlyDenied'} (identity policy)` };
    if (call.explicitAllowRequired && !EXPLICIT_RESOURCE_ALLOW.includes(result.resource ?? '')) return { call, decision: 'denied', detail: `${result.resource ?? 'ImplicitlyDenied'} (${name})` };
  }
  if (call.allowedPrincipals && !admits(call.allowedPrincipals, call.principal)) {
    return { call, decision: 'denied', detail: 'NotInAllowedPrincipals' };
  }
  return { call, decision: 'allowed', detail: 'Allowed' };
}

/** iam-simulate's words for a resource policy with a statement that allows the request (the principal itself, or its account). */
const EXPLICIT_RESOURCE_ALLOW = ['Allowed', 'AllowedForAccount'];

/** One run of iam-simulate for `call` against one resource policy: the overall verdict, and the identity and resource policies' own. */
async function simulateWith(call: AccessCall, resourcePolicy: PolicyDocument | undefined): Promise<{ overall: string; identity?: string; resource?: string }> {
  const simulation = aliasUnrecognisedKeys({
    request: {
      principal: call.principal === ANONYMOUS ? { type: 'Anonymous' } : call.principal,
      action: call.action,
      resource: { resource: call.resource, accountId: call.resourceAccount },
      // AWS services and the SDKs always call over TLS.
      contextVariables: { 'aws:SecureTransport': 'true', ...principalContext(call.principal), ...call.context },
    },
    identityPolicies: call.identityPolicies.map((p) => ({ ...p })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  });
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`cannot simulate "${call.call}" (${call.action} on ${call.resource}): ${result.errors.message} ${JSON.stringify(result.errors)}`);
  }
  const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys ?? [] : [];
  if (ignored.length > 0) {
    // A dropped key would make a condition look unmet (or a deny look inapplicable).
    throw new Error(`"${call.call}": context keys ${ignored.join(', ')} do not apply to ${call.action} on ${call.resource}; fix the call in tools/access-sim/calls.ts.`);
  }
  const analysis = result.resultType === 'single' ? result.result.analysis : undefined;
  return { overall: result.overallResult, identity: analysis?.identityAnalysis?.result, resource: analysis?.resourceAnalysis?.result };
}

/** Whether an allow-list of principals admits `principal` (see AccessCall.allowedPrincipals). */
export function admits(allowed: readonly string[], principal: string): boolean {
  const account = ROLE_ARN.exec(principal)?.[1];
  return allowed.some((a) => a === '*' || a === principal || (account !== undefined && a === `arn:aws:iam::${account}:root`));
}

/**
 * iam-simulate 0.1.x recognises variable condition keys only after a "/" (`aws:RequestTag/x`), so
 * it drops `kms:EncryptionContext:aws:logs:arn`, which AWS sends. Such a key is renamed, in the
 * request and in every policy condition alike, to a string key the library accepts; the
 * comparison (same operator, same values) is unchanged.
 */
function aliasUnrecognisedKeys(simulation: Simulation): Simulation {
  const gap = /^kms:EncryptionContext:(.+)$/i;
  const alias = (key: string) => {
    const m = gap.exec(key);
    return m ? `aws:RequestTag/kms-encryption-context-${m[1].replace(/[^A-Za-z0-9]/g, '-')}` : key;
  };
  const renameIn = (policy?: PolicyDocument): PolicyDocument | undefined => policy && {
    ...policy,
    Statement: [policy.Statement].flat().map((statement) => statement.Condition === undefined ? statement : {
      ...statement,
      Condition: Object.fromEntries(Object.entries(statement.Condition as Record<string, Record<string, unknown>>)
        .map(([operator, keys]) => [operator, Object.fromEntries(Object.entries(keys).map(([k, v]) => [alias(k), v]))])),
    }),
  };
  return {
    ...simulation,
    request: { ...simulation.request, contextVariables: Object.fromEntries(Object.entries(simulation.request.contextVariables).map(([k, v]) => [alias(k), v])) },
    identityPolicies: simulation.identityPolicies.map((p) => ({ ...p, policy: renameIn(p.policy) })),
    resourcePolicy: renameIn(simulation.resourcePolicy),
  };
}

/** The table a reviewer reads: one line per call, mismatches marked. */
export function formatTable(title: string, rows: readonly Evaluated[]): string {
  const header = ['call', 'principal', 'action', 'resource', 'decision', 'expected', ''];
  const lines = rows.map((r) => [r.call.call, short(r.call.principal), r.call.action, short(r.call.resource), r.detail, r.call.expected, r.decision === r.call.expected ? 'ok' : 'MISMATCH']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`# ${title}`, row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

/** ARNs without the noise a reader already knows (partition, region). */
function short(arn: string): string {
  return arn.replace(/^arn:aws:/, '').replace(/:[a-z]{2}(-[a-z]+)+-\d:/, '::');
}
