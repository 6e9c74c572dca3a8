import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { apiRuntimeOf } from '../config/api-runtime';
import { connectivityOf } from '../config/connectivity';
import { latticeServicePolicy } from '../config/lattice-policies';
import { callersOf } from '../config/matrix';
import { apiResourcePrefix, CALLER_KINDS, callerRoleName } from '../config/names';
import { EnvironmentVpc } from '../config/shared-parameters';
import { ApiConfig, EnvironmentConfig, ServiceConfig } from '../config/types';
import { createAlarmTopic } from '../constructs/alarm-topic';
import { ApiClients } from '../constructs/api-clients';
import { ApiMonitoring } from '../constructs/api-monitoring';
import { MetricFactory } from '../constructs/metric-factory';
import { InternalNlbService } from '../constructs/internal-nlb-service';
import { LatticeApiService } from '../constructs/lattice-api-service';
import { PrivateLinkEndpointService } from '../constructs/private-link-endpoint-service';
import { PrivateNetwork } from '../constructs/private-network';
import { SharedParameter } from '../constructs/shared-parameter';
import { TerminationProtection } from '../constructs/termination-protection';
import { DelegatedSubdomain } from '../constructs/delegated-subdomain';
import { CONTAINER_PORT, DRAIN_TIMEOUT_MS, HEALTH_CHECK_PATH } from '../runtime/api-service/src/settings';
import { AccountStack, AccountStackProps } from '../stacks/account-stack';
import { DeploymentRevision } from '../stacks/deployment-revision';
import { DeploymentRevisionSynthesizer } from '../stacks/deployment-revision-synthesizer';

/** Properties of {@link ApiServiceStack}. */
export interface ApiServiceStackProps extends AccountStackProps {
  /** The environment (its matrix names the API's callers). */
  readonly environment: EnvironmentConfig;
  /** The API this stack serves. */
  readonly api: ApiConfig;
  /** The API's VPC (from its ApiNetwork stack, same account). */
  readonly network: PrivateNetwork;
  /** The API's zone and certificate (from the ApiDns stack, same account). */
  readonly subdomain: DelegatedSubdomain;
  /**
   * The other stacks on the API's data path (transit hub, API network, DNS), folded with this one
   * into {@link ApiServiceStack.revision}.
   * @default - this stack only
   */
  readonly upstreamStacks?: readonly Stack[];
}

/** In the API's account: its Fargate service behind the internal TLS NLB, and its DNS name. */
export class ApiServiceStack extends AccountStack {
  /** The service and its front door: an internal NLB, or (lattice mode) a VPC Lattice service. */
  public readonly api: InternalNlbService | LatticeApiService;
  /** The VPC endpoint service on the NLB, in privatelink mode only. */
  public readonly endpointService?: PrivateLinkEndpointService;
  /** Alarms and dashboard. */
  public readonly monitoring: ApiMonitoring;
  /** `https://<api domain>`, as published to the consumers. */
  public readonly endpointUrl: string;
  /**
   * Fingerprint of everything the API side deploys, published as `api-revision`; consumers
   * carry it on their health check so any API-side change re-runs the promotion gate.
   */
  public readonly revision: string;

  constructor(scope: Construct, id: string, props: ApiServiceStackProps) {
    // The manifest must say what the stack really is: the CLI compares it with the deployed stack on
    // every deploy and calls UpdateTerminationProtection with the manifest's value on a mismatch
    // (aws-cdk's deploy-stack, updateTerminationProtection), so `false` here would switch off what
    // the custom resource below turned on. CDK Pipelines' change-set actions never touch it
    // (aws-cdk#17871), so the custom resource stays for the pipeline's path.
    const synthesizer = new DeploymentRevisionSynthesizer();
    super(scope, id, { ...props, terminationProtection: true, synthesizer });
    const { config, environment, api, network, subdomain } = props;
    const service = api.service;
    const mode = connectivityOf(environment);
    // Exactly the consumers the matrix lets call this API: their CIDRs, their accounts.
    const callers = callersOf(environment, api);
    const vpc: EnvironmentVpc = { kind: 'api', name: api.name };

    const tasks = {
      network,
      image: this.containerImage(api),
      containerPort: CONTAINER_PORT,
      healthCheckPath: HEALTH_CHECK_PATH,
      desiredCount: service.desiredCount,
      minCapacity: service.minCapacity,
      maxCapacity: service.maxCapacity,
      cpu: service.cpu,
      memoryLimitMiB: service.memoryMiB,
      cpuArchitecture: service.architecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      appDrainTime: Duration.millis(DRAIN_TIMEOUT_MS),
      logRetention: service.logRetentionDays as logs.RetentionDays,
      // Caller identity (lib/runtime/api-service/src/env.ts): the roles the matrix lets call this
      // API, by name; any other principal gets 403. Over a transit gateway or PrivateLink the
      // callers' tokens are verified with STS through this VPC's STS endpoint (its regional name,
      // private DNS); behind VPC Lattice the caller is the principal Lattice authenticated.
      environment: {
        API_NAME: api.name,
        ...(mode === 'lattice' ? { CALLER_IDENTITY_SOURCE: 'lattice' } : { STS_REGION: config.region }),
        CALLERS: JSON.stringify(callers.flatMap((consumer) => CALLER_KINDS.map((kind) => ({
          consumer: consumer.name, account: consumer.account, role: callerRoleName(config, environment, consumer, api, kind),
        })))),
      },
    };
    const lattice = mode === 'lattice'
      ? new LatticeApiService(this, 'Api', {
        ...tasks,
        name: apiResourcePrefix(config, environment, api),
        domainName: api.domain,
        certificate: subdomain.certificate,
        serviceNetworkArn: SharedParameter.read(this, 'ServiceNetworkArn', { config, environment, key: 'service-network-arn' }),
        authPolicy: latticeServicePolicy(config, environment, api),
      })
      : undefined;
    const nlb = lattice ? undefined : new InternalNlbService(this, 'Api', {
      ...tasks,
      certificate: subdomain.certificate,
      clients: mode === 'privatelink' ? ApiClients.privateLink() : ApiClients.fromCidrs(callers.map((c) => c.cidr)),
    });
    this.api = (lattice ?? nlb)!;
    this.monitoring = new ApiMonitoring(this, 'Monitoring', {
      service: this.api,
      // Per environment and API: two of them in one account must not share a metric.
      metricFactory: new MetricFactory({ namespace: `${config.projectName}/${environment.name}/${api.name}` }),
      name: apiResourcePrefix(config, environment, api),
      alarmTopic: this.alarmTopic(service),
    });

    // How the API's name answers: over a transit gateway or PrivateLink, an alias in its public
    // zone to the NLB's private addresses; behind Lattice, nothing public at all (each caller's VPC
    // has a private zone for the name, aliasing the service's generated name).
    const published = nlb
      ? new route53.ARecord(this, 'ApiAlias', {
        zone: subdomain.zone,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(nlb.loadBalancer)),
      })
      : lattice!.association;

    this.endpointUrl = `https://${api.domain}`;
    const endpoint = new SharedParameter(this, 'EndpointParameter', {
      config,
      environment,
      vpc,
      key: 'api-endpoint',
      value: this.endpointUrl,
    });
    // Published once the name answers and the service exists, so a reader never sees a dead URL.
    endpoint.node.addDependency(published, this.api.service);
    const revision = new DeploymentRevision([...(props.upstreamStacks ?? []), this]);
    synthesizer.carry(revision);
    this.revision = revision.value;
    const revisionParameter = new SharedParameter(this, 'RevisionParameter', {
      config,
      environment,
      vpc,
      key: 'api-revision',
      value: revision.value,
    });
    // Written last: a consumer that sees the new revision sees the service that produced it.
    revisionParameter.node.addDependency(published, this.api.service);
    new SharedParameter(this, 'CertificateParameter', {
      config,
      environment,
      vpc,
      key: 'api-certificate-arn',
      value: subdomain.certificate.certificateArn,
    });

    if (lattice) {
      // What each caller's VPC needs: the service to grant Invoke on, the name to alias.
      const publish = (key: 'lattice-service-arn' | 'lattice-service-dns-name' | 'lattice-service-hosted-zone-id', id: string, value: string) =>
        new SharedParameter(this, id, { config, environment, vpc, key, value }).node.addDependency(lattice.association);
      publish('lattice-service-arn', 'LatticeServiceArnParameter', lattice.latticeService.attrArn);
      publish('lattice-service-dns-name', 'LatticeServiceDnsNameParameter', lattice.latticeService.attrDnsEntryDomainName);
      publish('lattice-service-hosted-zone-id', 'LatticeServiceHostedZoneIdParameter', lattice.latticeService.attrDnsEntryHostedZoneId);
    }

    if (mode === 'privatelink' && nlb) {
      // The same NLB and TLS listener, offered to the consumer accounts as an endpoint service.
      this.endpointService = new PrivateLinkEndpointService(this, 'PrivateLink', {
        loadBalancer: nlb.loadBalancer,
        allowedAccounts: [...new Set(callers.map((c) => c.account))],
        privateDnsName: api.domain,
        zone: subdomain.zone,
      });
      const serviceNameParameter = new SharedParameter(this, 'EndpointServiceNameParameter', {
        config,
        environment,
        vpc,
        key: 'endpoint-service-name',
        value: this.endpointService.serviceName,
      });
      // Published once the private DNS name is verified: a consumer endpoint needs it to be.
      serviceNameParameter.node.addDependency(this.endpointService.privateDnsVerified);
    }

    // Deleting the API (and its load balancer) is a deliberate act on either deploy path
    // (docs/deploying.md, Updates and teardown); last, so it comes on once everything exists.
    TerminationProtection.of(this);
  }

  /** The configured topic, or one of this stack's own (encrypted, TLS-only) to subscribe to. */
  private alarmTopic(service: ServiceConfig): sns.ITopic {
    if (service.alarmTopicArn) return sns.Topic.fromTopicArn(this, 'AlarmTopic', service.alarmTopicArn);
    // Same logical id as before: its topic policy lets CloudWatch publish to it, built once for both sides.
    const topic = createAlarmTopic(this, 'AlarmTopic', `${this.stackName} alarms`);
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn, description: 'Subscribe on-call to this topic, or set service.alarmTopicArn.' });
    return topic;
  }

  private containerImage(api: ApiConfig): ecs.ContainerImage {
    const service = api.service;
    if (service.image.kind === 'ecr') {
      const repository = ecr.Repository.fromRepositoryName(this, 'ImageRepository', service.image.repositoryName);
      return ecs.ContainerImage.fromEcrRepository(repository, service.image.tag);
    }
    // Staged at synth (no Docker needed), built for the tasks' architecture at publish time.
    const image = apiRuntimeOf(api).image;
    return ecs.ContainerImage.fromAsset(image.directory, {
      file: image.file,
      exclude: image.exclude ? [...image.exclude] : undefined,
      platform: service.architecture === 'ARM64' ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
    });
  }
}
