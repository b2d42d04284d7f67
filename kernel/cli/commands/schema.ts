/** `sgr schema`: the JSON Schema of experiment.yaml, as shipped in schema/experiment.schema.json. */
import { experimentJsonSchema } from '../../plan/json-schema';
import { EXIT } from '../exit-codes';

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
  return EXIT.OK;
}
