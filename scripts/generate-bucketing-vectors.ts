// Writes test/fixtures/bucketing-vectors.json: {salt, id, bucket} rows that SDKs in any language
// can check their bucketing against. Run: npm run build && node dist/scripts/generate-bucketing-vectors.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucketOf } from '../src/engine/bucketing';

const salts = [
  'checkout.retries',
  'new-onboarding:rule-1',
  'pricing.banner:6f1c2a9e-deploy',
  'exp-42:traffic',
  'exp-42:variant',
  '',
];
const ids: string[] = [
  '',
  '0',
  '42',
  'user-1',
  'user-123456789',
  'a'.repeat(300),
  '550e8400-e29b-41d4-a716-446655440000',
  'Jürgen',
  'François',
  'Łódź',
  'Ελληνικά',
  'Русский',
  'עברית',
  'العربية',
  'हिन्दी',
  '中文用户',
  '日本語のユーザー',
  '한국어',
  '🙂',
  '👩‍💻 dev',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'e\u0301',
  '\u00e9',
  'tab\tand\nnewline',
  'quote"and\\backslash',
  ':colon:',
];
for (let i = 0; ids.length < 180; i += 1) ids.push(`user-${(i * 7919) % 100_003}`);

const rows = salts.flatMap((salt) => ids.map((id) => ({ salt, id, bucket: bucketOf(salt, id) })));
const file = join(__dirname, '..', '..', 'test', 'fixtures', 'bucketing-vectors.json');
writeFileSync(file, JSON.stringify(rows, null, 1) + '\n');
console.log(`Wrote ${rows.length} vectors to ${file}`);
