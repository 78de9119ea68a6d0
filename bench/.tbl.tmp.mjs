import { Store } from '../dist/store/index.js';
import { peakMb } from './lib.mjs';
const store = Store.open(process.argv[2]);
const t = performance.now();
const f = store.facts.table(1);
console.log(Math.round(performance.now() - t), 'ms', Math.round(peakMb()), 'MB peak', f.size);
