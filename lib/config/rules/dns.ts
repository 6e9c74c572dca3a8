import { environmentField, ReportProblem } from '../errors';
import { AppConfig } from '../types';

const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True when `name` is a syntactically valid lowercase DNS name (no trailing dot). */
function isDnsName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => DNS_LABEL.test(label)) && name.includes('.');
}

/** True when `name` is `parent` or ends in `.parent`. */
function isAtOrUnder(name: string, parent: string): boolean {
  return name === parent || name.endsWith(`.${parent}`);
}

/**
 * `parentZone` and every API's `domain`: each API gets its own zone delegated from the parent, so
 * its name must be under the parent and must neither equal nor contain another API's (of any
 * environment: they all delegate from the one parent zone).
 */
export function dnsRules(config: AppConfig, report: ReportProblem): void {
  if (!ZONE_ID.test(config.parentZone.id)) {
    report('parentZone.id', config.parentZone.id, 'use the Route 53 hosted zone id of the parent zone (starts with "Z", uppercase letters and digits, without the "/hostedzone/" prefix).');
  }
  const parentName = config.parentZone.name;
  if (!isDnsName(parentName)) {
    report('parentZone.name', parentName, 'use the parent zone\'s DNS name in lowercase without a trailing dot, e.g. "example.com".');
  }

  const seenDomains = new Map<string, string>();
  config.environments.forEach((env, index) => env.apis.forEach((api, ai) => {
    const field = `${environmentField(env, index)}.apis[${ai}].domain`;
    const domain = api.domain;
    if (!isDnsName(domain)) {
      report(field, domain, `use a lowercase DNS name without a trailing dot, e.g. "${api.name}.${env.name}.example.com".`);
      return;
    }
    if (domain === parentName || !isAtOrUnder(domain, parentName)) {
      report(field, domain, `must be a strict subdomain of the parent zone "${parentName}", e.g. "${api.name}.${env.name}.${parentName}".`);
    }
    for (const [other, otherField] of seenDomains) {
      if (other === domain) {
        report(field, domain, `${otherField} already uses this name; each API needs its own domain (its own delegated zone).`);
      } else if (isAtOrUnder(domain, other) || isAtOrUnder(other, domain)) {
        report(field, domain, `nests with ${otherField} ("${other}"); the delegated zones of two APIs must not contain each other.`);
      }
    }
    seenDomains.set(domain, field);
  }));
}
