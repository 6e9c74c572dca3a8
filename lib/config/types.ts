import { z } from 'zod';
import {
  accountIdSchema,
  apiSchema,
  appConfigSchema,
  connectivitySchema,
  consumerSchema,
  cpuArchitectureSchema,
  environmentSchema,
  imageSourceSchema,
  pipelineSchema,
  serviceSchema,
  subnetPlanSchema,
  transitGatewaySchema,
} from './schema';

/**
 * The configuration's TypeScript types, derived from the zod schemas in `schema.ts`, where each
 * field is declared and documented once. Deeply `readonly`: the stacks share one configuration
 * object (tests freeze it), so nothing may change it after validation.
 */

/** `T` with every property and array element readonly, down to the leaves; unions stay unions. */
type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** What a schema yields, deeply readonly. */
type ConfigOf<S extends z.ZodType> = DeepReadonly<z.output<S>>;

export type AccountId = ConfigOf<typeof accountIdSchema>;
export type CpuArchitecture = ConfigOf<typeof cpuArchitectureSchema>;
export type TransitGatewayConfig = ConfigOf<typeof transitGatewaySchema>;
export type Connectivity = ConfigOf<typeof connectivitySchema>;
export type ConsumerConfig = ConfigOf<typeof consumerSchema>;
export type ImageSource = ConfigOf<typeof imageSourceSchema>;
export type ServiceConfig = ConfigOf<typeof serviceSchema>;
export type ApiConfig = ConfigOf<typeof apiSchema>;
export type EnvironmentConfig = ConfigOf<typeof environmentSchema>;
export type SubnetPlan = ConfigOf<typeof subnetPlanSchema>;
export type PipelineConfig = ConfigOf<typeof pipelineSchema>;
/** The whole application, without the editor-only `$schema` key of a JSON file. */
export type AppConfig = DeepReadonly<Omit<z.output<typeof appConfigSchema>, '$schema'>>;
