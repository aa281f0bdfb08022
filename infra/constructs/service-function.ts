import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { z } from 'zod';
import { lambdaBundling, resolveEntry } from '#infra/bundling';
import { customMetrics, type FunctionDef } from '#infra/wiring';
import type { Alerts } from './alerts.ts';
import { AsyncInvocation } from './async-invocation.ts';
import { acknowledgeControls, FUNCTION_CONTROLS } from './control-tower.ts';

/**
 * The environment a function's zod schema accepts, key for key (optional keys stay optional), so a
 * missing variable is a type error here rather than a cold-start failure. Values are strings because
 * that is all Lambda can pass, whatever a schema later coerces them to.
 */
export type ServiceEnvironment<S extends z.ZodType> = { [K in keyof z.input<S>]: string };

export interface ServiceFunctionProps<S extends z.ZodType> {
  def: FunctionDef<S>;
  environment: ServiceEnvironment<S>;
  /** Applied to the log group: a stage that retains its data keeps its logs too. */
  removalPolicy: RemovalPolicy;
  /** Told about the function's errors and about events it gave up on. */
  alerts: Alerts;
  /** @default lambda.Tracing.DISABLED */
  tracing?: lambda.Tracing;
}

/** A Tandem Lambda built from its wiring definition with the project's defaults (see STYLE.md). */
export class ServiceFunction<S extends z.ZodType = z.ZodType> extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly alerts: Alerts;
  private asyncInvocation?: AsyncInvocation;

  constructor(
    scope: Construct,
    id: string,
    { def, environment, removalPolicy, alerts, tracing }: ServiceFunctionProps<S>,
  ) {
    super(scope, id);
    this.alerts = alerts;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy,
    });

    // Our own role instead of the default one, which attaches AWSLambdaBasicExecutionRole and with it
    // write access to every log group in the account; this one may write to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: def.description,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: resolveEntry(def.entry),
      handler: 'handler',
      description: def.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(def.timeoutSeconds),
      memorySize: def.memoryMb,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing,
      bundling: lambdaBundling,
      environment: {
        ...environment,
        // Source maps are bundled, but Node only applies them to stack traces when asked.
        NODE_OPTIONS: '--enable-source-maps',
        // Powertools Metrics and Logger read these: one namespace, one `service` dimension for every function.
        POWERTOOLS_SERVICE_NAME: customMetrics.service,
        POWERTOOLS_METRICS_NAMESPACE: customMetrics.namespace,
      },
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 is the pinned runtime (STYLE.md): the esbuild target and the local stack are kept in ' +
        'step with it, so moving to a newer runtime is a deliberate upgrade.',
    });
    acknowledgeControls(this, FUNCTION_CONTROLS);
    alerts.onErrors(this, this.fn);
    alerts.onThrottles(this, this.fn);
  }

  /**
   * Invokes the function from an EventBridge rule. Going through here is what guarantees every
   * asynchronously invoked function its retries and dead-letter queues.
   */
  addRule(id: string, props: events.RuleProps): events.Rule {
    return this.invokedAsynchronously().addRule(id, props);
  }

  /**
   * Declares that something invokes the function asynchronously (an EventBridge rule, an SES receipt
   * rule): Lambda's retries and the on-failure queue are configured once, whoever the invokers are.
   */
  invokedAsynchronously(): AsyncInvocation {
    this.asyncInvocation ??= new AsyncInvocation(this, 'Async', { fn: this.fn, alerts: this.alerts });
    return this.asyncInvocation;
  }
}
