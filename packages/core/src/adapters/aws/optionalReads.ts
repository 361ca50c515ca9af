import {
  DescribeRiskConfigurationCommand,
  DescribeUserPoolDomainCommand,
  GetUICustomizationCommand,
  ListIdentityProvidersCommand,
  ListResourceServersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RawRecord } from '../../model/raw.js';
import type { CognitoCalls } from './cognitoCalls.js';
import { describeIdentityProvider } from './entityReads.js';
import { plain } from './paginate.js';

/*
 * The optional components: cognito-local implements none of them, so each read names its component
 * (as in OPTIONAL_COMPONENTS) for the ComponentUnsupportedError it may end in.
 */

export async function* listIdentityProviders(calls: CognitoCalls, poolId: string): AsyncIterable<RawRecord> {
  const site = { component: 'identityProviders', operation: 'ListIdentityProviders', poolId };
  const providers = calls.pages(site, async (NextToken) => {
    const MaxResults = calls.page(60);
    const out = await calls.client.send(
      new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults, NextToken }),
    );
    return { items: out.Providers, next: out.NextToken };
  });
  for await (const { ProviderName } of providers) {
    if (ProviderName === undefined) continue;
    // A provider deleted since its page was listed no longer exists: skipped, not an error.
    const provider = await describeIdentityProvider(calls, poolId, ProviderName);
    if (provider !== undefined) yield provider;
  }
}

export async function* listResourceServers(calls: CognitoCalls, poolId: string): AsyncIterable<RawRecord> {
  const site = { component: 'resourceServers', operation: 'ListResourceServers', poolId };
  const servers = calls.pages(site, async (NextToken) => {
    const MaxResults = calls.page(50);
    const out = await calls.client.send(
      new ListResourceServersCommand({ UserPoolId: poolId, MaxResults, NextToken }),
    );
    return { items: out.ResourceServers, next: out.NextToken };
  });
  for await (const server of servers) yield plain(server);
}

export async function describeDomain(calls: CognitoCalls, domain: string): Promise<RawRecord | undefined> {
  // An unknown domain answers with an empty DomainDescription. The API reference also lists
  // ResourceNotFoundException for this call: read the same way, a domain deleted since it was named.
  const site = { component: 'domain', operation: 'DescribeUserPoolDomain' };
  const out = await calls.callOrAbsent(site, ['ResourceNotFoundException'], () =>
    calls.client.send(new DescribeUserPoolDomainCommand({ Domain: domain })),
  );
  const description = out?.DomainDescription;
  if (description?.Domain === undefined && description?.Status === undefined) return undefined;
  return plain(description);
}

export async function getUiCustomization(
  calls: CognitoCalls,
  poolId: string,
  clientId?: string,
): Promise<RawRecord | undefined> {
  // A client deleted since it was listed has no customisation left to back up.
  const site = { component: 'uiCustomization', operation: 'GetUICustomization' };
  const out = await calls.callUnlessGone(site, poolId, () =>
    calls.client.send(new GetUICustomizationCommand({ UserPoolId: poolId, ClientId: clientId })),
  );
  const ui = out?.UICustomization;
  // Nothing customised answers with an empty shape (documented): there is nothing to back up.
  if (ui === undefined || (ui.CSS === undefined && ui.ImageUrl === undefined)) return undefined;
  return plain(ui);
}

export async function getRiskConfiguration(
  calls: CognitoCalls,
  poolId: string,
): Promise<RawRecord | undefined> {
  // Without threat protection (advanced security) Cognito answers UserPoolAddOnNotEnabledException,
  // as documented: the pool has no risk configuration, which is not a failure.
  const site = { component: 'riskConfiguration', operation: 'DescribeRiskConfiguration' };
  const out = await calls.callUnlessGone(
    site,
    poolId,
    () => calls.client.send(new DescribeRiskConfigurationCommand({ UserPoolId: poolId })),
    ['UserPoolAddOnNotEnabledException'],
  );
  const risk = out?.RiskConfiguration;
  const configured =
    risk?.CompromisedCredentialsRiskConfiguration !== undefined ||
    risk?.AccountTakeoverRiskConfiguration !== undefined ||
    risk?.RiskExceptionConfiguration !== undefined;
  return risk !== undefined && configured ? plain(risk) : undefined;
}

export async function listTags(calls: CognitoCalls, resourceArn: string): Promise<Record<string, string>> {
  const out = await calls.call({ component: 'tags', operation: 'ListTagsForResource' }, () =>
    calls.client.send(new ListTagsForResourceCommand({ ResourceArn: resourceArn })),
  );
  return { ...(out.Tags ?? {}) };
}
