import type { Client } from "@opensearch-project/opensearch";
import { IndexTemplateError } from "../errors.ts";
import { commonMappings, pageChangeMappings, recentChangeMappings } from "./mappings.ts";
import { allAlias, type IndexedStream, indexedStreams, indexPattern, readAlias } from "./names.ts";

export interface TemplateSettings {
  prefix: string;
  shards: number;
  replicas: number;
  refreshInterval: string;
}

/** Bumped whenever a mapping changes; visible in `_index_template` as `version`. */
export const TEMPLATE_VERSION = 1;

const familyMappings = { recentchange: recentChangeMappings, page_change: pageChangeMappings } as const;

export interface ComponentTemplate {
  name: string;
  body: { template: Record<string, unknown>; version: number; _meta: Record<string, unknown> };
}

export interface IndexTemplate {
  name: string;
  body: {
    index_patterns: string[];
    priority: number;
    composed_of: string[];
    template: { aliases: Record<string, Record<string, never>> };
    version: number;
    _meta: Record<string, unknown>;
  };
}

const managed = { managed_by: "wikistream-indexer" };

/** Component templates: shared settings, shared mappings, then one mapping per stream. */
export function componentTemplates(settings: TemplateSettings): ComponentTemplate[] {
  const { prefix } = settings;
  const component = (name: string, template: Record<string, unknown>): ComponentTemplate => ({
    name,
    body: { template, version: TEMPLATE_VERSION, _meta: managed },
  });
  return [
    component(`${prefix}-settings`, {
      settings: {
        index: {
          number_of_shards: settings.shards,
          number_of_replicas: settings.replicas,
          refresh_interval: settings.refreshInterval,
        },
      },
    }),
    component(`${prefix}-common-mappings`, { mappings: commonMappings() }),
    ...Object.values(indexedStreams).map((family) =>
      component(`${prefix}-${family}-mappings`, { mappings: familyMappings[family]() }),
    ),
  ];
}

/** One index template per stream: its pattern, its components, its read alias and the all-streams alias. */
export function indexTemplates(settings: TemplateSettings): IndexTemplate[] {
  const { prefix } = settings;
  return (Object.keys(indexedStreams) as IndexedStream[]).map((stream) => {
    const family = indexedStreams[stream];
    return {
      name: readAlias(prefix, stream),
      body: {
        index_patterns: [indexPattern(prefix, stream)],
        priority: 200,
        composed_of: [`${prefix}-settings`, `${prefix}-common-mappings`, `${prefix}-${family}-mappings`],
        template: { aliases: { [readAlias(prefix, stream)]: {}, [allAlias(prefix)]: {} } },
        version: TEMPLATE_VERSION,
        _meta: { ...managed, stream },
      },
    };
  });
}

/** OpenSearch's error type (`security_exception`, `cluster_block_exception`, …) of a failed request. */
function errorTypeOf(error: unknown): string | undefined {
  const body = (error as { meta?: { body?: unknown } } | null)?.meta?.body;
  const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof type === "string" ? type : undefined;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/**
 * Installs (or overwrites with identical content: PUT is idempotent) the component and index
 * templates (existing indices: existing-indices.ts). Throws IndexTemplateError; retryable when
 * OpenSearch was unreachable or answered 429/5xx, not when it refused the template (4xx).
 */
export async function installIndexTemplates(client: Client, settings: TemplateSettings): Promise<void> {
  const step = async (what: string, request: () => Promise<unknown>) => {
    try {
      await request();
    } catch (cause) {
      const status = statusOf(cause);
      const type = errorTypeOf(cause);
      const retryable = status === undefined || status === 429 || status >= 500;
      const answered = `${status ? ` with HTTP ${status}` : ""}${type ? ` ${type}` : ""}`;
      throw new IndexTemplateError(`${what} failed${answered}`, retryable, {
        cause,
        context: { status, type },
      });
    }
  };
  // The component templates at once, then the index templates (composed of them) at once: one round
  // trip each instead of one per template (start-up time, issue 11).
  await Promise.all(
    componentTemplates(settings).map((template) =>
      step(`component template ${template.name}`, () =>
        client.cluster.putComponentTemplate({ name: template.name, body: template.body }),
      ),
    ),
  );
  await Promise.all(
    indexTemplates(settings).map((template) =>
      step(`index template ${template.name}`, () =>
        client.indices.putIndexTemplate({ name: template.name, body: template.body as never }),
      ),
    ),
  );
}
