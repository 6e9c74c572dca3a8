/** Answering CloudFormation from a custom-resource handler (shared by the deploy-time handlers). */
import type { CloudFormationCustomResourceResponse } from 'aws-lambda';

/** PUTs the response to CloudFormation's pre-signed S3 URL, which is signed without a content type. */
export async function respondToCloudFormation(responseUrl: string, response: CloudFormationCustomResourceResponse): Promise<void> {
  const res = await fetch(responseUrl, { method: 'PUT', body: JSON.stringify(response), headers: { 'content-type': '' } });
  if (!res.ok) throw new Error(`CloudFormation rejected the response: HTTP ${res.status}`);
}
