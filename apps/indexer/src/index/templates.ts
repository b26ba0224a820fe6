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

function statusOf(error: unknown): number | undefined {
  const status = (error as { meta?: { statusCode?: unknown } } | null)?.meta?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/**
 * Installs (or overwrites with identical content: PUT is idempotent) the component and index
 * templates, then applies the refresh interval to the stream's existing indices, since templates
 * only shape indices created after them. Throws IndexTemplateError; retryable when OpenSearch was
 * unreachable or answered 429/5xx, not when it refused the template (4xx).
 */
export async function installIndexTemplates(client: Client, settings: TemplateSettings): Promise<void> {
  const step = async (what: string, request: () => Promise<unknown>) => {
    try {
      await request();
    } catch (cause) {
      const status = statusOf(cause);
      const retryable = status === undefined || status === 429 || status >= 500;
      throw new IndexTemplateError(`${what} failed${status ? ` with HTTP ${status}` : ""}`, retryable, {
        cause,
        context: { status },
      });
    }
  };
  for (const template of componentTemplates(settings)) {
    await step(`component template ${template.name}`, () =>
      client.cluster.putComponentTemplate({ name: template.name, body: template.body }),
    );
  }
  for (const template of indexTemplates(settings)) {
    await step(`index template ${template.name}`, () =>
      client.indices.putIndexTemplate({ name: template.name, body: template.body as never }),
    );
  }
  const patterns = (Object.keys(indexedStreams) as IndexedStream[]).map((s) =>
    indexPattern(settings.prefix, s),
  );
  await step("refresh_interval of existing indices", () =>
    client.indices.putSettings({
      index: patterns.join(","),
      allow_no_indices: true,
      expand_wildcards: "open",
      body: { index: { refresh_interval: settings.refreshInterval } },
    }),
  );
}
