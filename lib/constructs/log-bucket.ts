import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Properties shared by every bucket that only receives logs from an AWS service. */
export const LOG_BUCKET_PROPS: s3.BucketProps = {
  // Log delivery (S3 server access logging, ELB access logs) writes with SSE-S3; a KMS
  // default would need a key grant per delivery service and is not accepted by all of them.
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  versioned: true,
  lifecycleRules: [{ expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(30) }],
  removalPolicy: RemovalPolicy.RETAIN,
};

/** The reviewed exceptions of a bucket that only receives service logs. */
export function acknowledgeLogBucket(bucket: s3.IBucket): void {
  const acknowledge = (id: string, reason: string) => Validations.of(bucket).acknowledge({ id, reason });
  const kmsReason = 'Log-delivery bucket: AWS log delivery writes with SSE-S3; S3 server access logging does not support SSE-KMS destinations.';
  acknowledge('NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS', kmsReason);
  acknowledge('cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', kmsReason);
  acknowledge('NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled', 'Access logs expire after 90 days; a second-region copy is a DR choice this reference leaves to the organisation (it doubles storage).');
  acknowledge('cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', 'Access logs expire by lifecycle after 90 days; object lock would block that expiry. Versioning keeps overwritten objects for 30 days.');
  acknowledge('cdk-validator-cfnguard::s3_event_notifications_enabled_check', 'Nothing consumes events of a log bucket; notifications would have no target.');
}

/** As {@link acknowledgeLogBucket}, for the bucket that receives the other buckets' server access logs. */
export function acknowledgeLogTargetBucket(bucket: s3.IBucket): void {
  acknowledgeLogBucket(bucket);
  const reason = 'This bucket is the server-access-log target of the log buckets; logging it too would need another bucket, without end.';
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason });
  Validations.of(bucket).acknowledge({ id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason });
}
