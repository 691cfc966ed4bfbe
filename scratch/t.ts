import { z } from 'zod';
import { ScenarioSchema } from '../src/contracts/scenario.schema.js';
const js = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' });
console.log(JSON.stringify(js).length);
console.log(Object.keys((js as any).properties));
