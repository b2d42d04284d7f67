/**
 * The JSON Schema of `experiment.yaml`, generated from the zod schema so the two cannot
 * drift. Shipped as schema/experiment.schema.json (a test keeps the file current) for
 * editors: `# yaml-language-server: $schema=…` at the top of a file turns on completion
 * and validation in VS Code's YAML extension.
 */
import { z } from 'zod';
import { DURATION_SCHEMAS, experimentSchema, FORMAT_VERSIONS } from './experiment-schema';

export const SCHEMA_ID = 'https://sgr.dev/schema/experiment.schema.json';

type Json = Record<string, unknown>;

const DURATION_JSON: Json = {
  anyOf: [
    { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?(ms|s|m|h)\\s*$' },
    { type: 'number', minimum: 0 },
  ],
  description: 'a duration: 250ms, 30s, 1.5m, 2h, or a number of seconds',
};

function generate(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
    override: (ctx) => {
      const s = ctx.zodSchema as unknown as z.ZodType;
      let replacement: Json | undefined;
      if (DURATION_SCHEMAS.has(s)) replacement = DURATION_JSON;
      // Our schemas check the shape of an unknown value first, then pipe it into the real
      // schema: describe the real one.
      else if (s instanceof z.ZodPipe && s.in instanceof z.ZodUnknown) replacement = generate(s.out as z.ZodType);
      if (!replacement) return;
      const js = ctx.jsonSchema as Json;
      for (const k of Object.keys(js)) delete js[k];
      const { $schema, ...rest } = replacement;
      void $schema;
      Object.assign(js, rest);
    },
  }) as Json;
}

/**
 * The JSON Schema document (draft 2020-12) for experiment files.
 * @example JSON.stringify(experimentJsonSchema(), null, 2)
 */
export function experimentJsonSchema(): Json {
  const body = generate(experimentSchema);
  const props = body.properties as Json;
  props.version = { enum: [...FORMAT_VERSIONS], description: 'format version; 2 adds sweeps' };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'SGR experiment',
    description: 'An SGR Workbench experiment file (experiment.yaml): steps, sweeps and protocols. Reference: docs/experiment-format.md',
    ...body,
  };
}
