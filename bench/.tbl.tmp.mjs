import { Store } from '../dist/store/index.js';
import { peakMb } from './lib.mjs';
const store = Store.open(process.argv[2]);
const t = performance.now(); const c0 = process.cpuUsage();
const f = store.facts.table(1);
console.log(Math.round(performance.now() - t), 'ms', Math.round((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000), 'ms cpu', Math.round(peakMb()), 'MB peak', f.size);
