// rrweb record plugins the server's config may switch on by name:
// "plugins": ["name", {"name": "name", "options": {...}}, ...]. A name this
// bundle does not know is skipped, so a newer server's config never stops an
// older recorder. The registry is empty for now.

/** @typedef {import('@rrweb/types').RecordPlugin<any>} RecordPlugin */
/** @typedef {(options: Record<string, unknown>) => RecordPlugin} PluginFactory */

/** @type {Map<string, PluginFactory>} name -> factory */
export const PLUGINS = new Map();

/**
 * The rrweb plugins for the config's `plugins` list.
 * @param {unknown} specs names, or {name, options} objects
 * @param {Map<string, PluginFactory>} [registry]
 * @returns {RecordPlugin[]}
 */
export function buildPlugins(specs, registry = PLUGINS) {
  /** @type {RecordPlugin[]} */
  const out = [];
  if (!Array.isArray(specs)) return out;
  for (const spec of specs) {
    const name = typeof spec === 'string' ? spec : spec && typeof spec === 'object' ? spec.name : null;
    const make = typeof name === 'string' ? registry.get(name) : undefined;
    if (!make) continue;
    const options = spec && typeof spec === 'object' && spec.options && typeof spec.options === 'object' ? spec.options : {};
    try {
      out.push(make(options));
    } catch (e) {
      /* a plugin that cannot start is left out; recording goes on without it */
    }
  }
  return out;
}
