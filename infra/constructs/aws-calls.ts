import { type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeControls, FUNCTION_CONTROLS } from './control-tower.ts';

export interface AwsCallProps {
  /** Made on create and on every update whose parameters change. */
  call: cr.AwsSdkCall;
  /** Made when the resource is deleted; none by default. */
  onDelete?: cr.AwsSdkCall;
  /** What the call needs, and nothing more: added to the stack's one calling role. */
  statements: iam.PolicyStatement[];
}

/**
 * The AWS SDK calls a stack makes while it deploys (what CloudFormation cannot do itself). CDK runs every
 * `AwsCustomResource` of a stack in one provider function, which takes the role of the first one made, so
 * the calls share one role and one log group on purpose, made here once per stack; each call adds only
 * its own statements.
 */
export class AwsCalls extends Construct {
  private static readonly ID = 'AwsCalls';
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  /** The stack's calls; `removalPolicy` applies to the log group when this is the first use. */
  static of(scope: IConstruct, removalPolicy: RemovalPolicy): AwsCalls {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(AwsCalls.ID);
    return existing instanceof AwsCalls ? existing : new AwsCalls(stack, AwsCalls.ID, removalPolicy);
  }

  private constructor(scope: Construct, id: string, removalPolicy: RemovalPolicy) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Makes the AWS calls this stack needs while it deploys',
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy,
    });
    this.logGroup.grantWrite(this.role);
    acknowledgeControls(this.logGroup, FUNCTION_CONTROLS);
  }

  /** One call, as a custom resource of `scope`. */
  add(scope: Construct, id: string, { call, onDelete, statements }: AwsCallProps): cr.AwsCustomResource {
    const resource = new cr.AwsCustomResource(scope, id, {
      onCreate: call,
      onUpdate: call,
      ...(onDelete && { onDelete }),
      policy: cr.AwsCustomResourcePolicy.fromStatements(statements),
      role: this.role,
      logGroup: this.logGroup,
      installLatestAwsSdk: false,
    });
    // The provider is a stack-wide singleton that AwsCustomResource names after this fixed UUID.
    const provider = Stack.of(this).node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (!provider) throw new Error('AwsCustomResource provider function not found');
    acknowledgeControls(provider, FUNCTION_CONTROLS);
    return resource;
  }
}

/** Acknowledges a call whose action IAM grants only on every resource ("*"), with the reason. */
export const acknowledgeAnyResource = (resource: cr.AwsCustomResource, reason: string): void => {
  // On the custom resource: its policy (a child of it) is what holds the statement.
  Validations.of(resource).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
};
