/**
 * The ISM policy for the monthly indices. ISM measures age from an index's creation, not from the
 * month in its name, and a month's index is created when its first event arrives: the policy waits
 * one bucket (31 days) longer than `wikistream indices prune --older-than`, so it never deletes an
 * index that prune would keep. Pure; deploy/opensearch/ism-policy.json is its output for the defaults.
 */
export function ismPolicy(options: { prefix: string; retentionDays: number }) {
  return {
    policy: {
      description: `wikistream: delete ${options.prefix} indices once their month is more than ${options.retentionDays} days old (created + ${options.retentionDays + 31}d). Same rule as: wikistream indices prune --older-than ${options.retentionDays}d`,
      default_state: "hot",
      states: [
        {
          name: "hot",
          actions: [],
          transitions: [
            { state_name: "delete", conditions: { min_index_age: `${options.retentionDays + 31}d` } },
          ],
        },
        { name: "delete", actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [`${options.prefix}-*`], priority: 100 }],
    },
  };
}

export const defaultPolicyId = "wikistream-retention";
export const defaultRetentionDays = 90;
