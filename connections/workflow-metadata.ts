/**
 * What a connection's workflow says it is, wherever an operator meets it: the static summary and
 * details it is started with (`temporal workflow describe`, the Web UI's header and User Metadata
 * tab, the workflow list). Temporal renders both as markdown, so names that merchants typed are
 * escaped. The company name is used when the connection knows it (the API's `companyName`); until
 * then the realm id stands for the company.
 */

export interface ConnectionIdentity {
  connectionId: string;
  merchantId: string;
  merchantName?: string | null | undefined;
  realmId: string;
  companyName?: string | null | undefined;
}

export interface WorkflowMetadata {
  /** One line: `QuickBooks <company> · <merchant>`. */
  staticSummary: string;
  /** A few markdown lines: who, which company, which connection, and where to look next. */
  staticDetails: string;
}

/** Markdown that a name could carry (links, emphasis, HTML) is shown literally. */
function literal(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~]/g, (character) => `\\${character}`);
}

export function connectionWorkflowMetadata(identity: ConnectionIdentity): WorkflowMetadata {
  const company = identity.companyName ? literal(identity.companyName) : `company ${identity.realmId}`;
  const merchant = identity.merchantName ? literal(identity.merchantName) : `merchant ${identity.merchantId}`;
  return {
    staticSummary: `QuickBooks ${company} · ${merchant}`,
    staticDetails: [
      `**Merchant** ${identity.merchantName ? `${literal(identity.merchantName)} (\`${identity.merchantId}\`)` : `\`${identity.merchantId}\``}`,
      `**QuickBooks company** ${identity.companyName ? `${literal(identity.companyName)}, ` : ''}realm ${identity.realmId}`,
      `**Connection** \`${identity.connectionId}\``,
      '',
      'What it is doing now: the current details, or the `status` query; its sync runs: `npm run ops -- status <connection>`.',
    ].join('\n'),
  };
}
