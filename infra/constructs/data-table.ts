import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableDesign } from '#adapters/table-design';

export interface DataTableProps {
  /** Protects the table from deletion, by CloudFormation and by hand. */
  retain: boolean;
}

/**
 * Item reads and writes, including those inside transactions (which IAM authorizes per item action).
 * Not Scan: nothing scans the table, every read is by key or index (see docs/storage.md).
 */
const ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const string = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The single Tandem table, laid out by `tableDesign` (the same module the DynamoDB adapter uses). */
export class DataTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, { retain }: DataTableProps) {
    super(scope, id);
    const { byStatus } = tableDesign.indexes;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: string(tableDesign.partitionKey),
      sortKey: string(tableDesign.sortKey),
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS-managed key (aws/dynamodb) rather than the AWS-owned default: its every use shows in the
      // account's CloudTrail, and there is still no key policy to get wrong and no key to pay for. A
      // customer-managed key would add both, for a control (revoking our own access) Tandem does not need.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: byStatus.name,
      partitionKey: string(byStatus.partitionKey),
      sortKey: string(byStatus.sortKey),
    });
  }
  /**
   * Lets `grantee` read and write items, and query the design's indexes by name. Narrower than
   * `grantReadWriteData`, which adds Scan, stream reads and every index (`index/*`).
   */
  grantReadWriteItems(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ITEM_ACTIONS, resourceArns: [this.table.tableArn] });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: Object.values(tableDesign.indexes).map(
        ({ name }) => `${this.table.tableArn}/index/${name}`,
      ),
    });
  }
}
