/**
 * A k-means worker: binds the kernel to the job's shared memory and runs the chunks it is sent.
 * The arithmetic is kernel.ts's, so results do not depend on the thread.
 */
import { parentPort } from 'node:worker_threads';
import { runStep, Workspace, type Layout, type Step } from '../domain/clustering/kernel.js';

type Message = { type: 'setup'; memory: WebAssembly.Memory; layout: Layout } | { type: 'step'; step: Step; from: number; to: number } | { type: 'release' };

let workspace: Workspace | null = null;

parentPort!.on('message', (message: Message) => {
  if (message.type === 'setup') {
    workspace = new Workspace(message.memory, message.layout);
    parentPort!.postMessage('ready');
  } else if (message.type === 'step') {
    runStep(workspace!, message.step, message.from, message.to);
    parentPort!.postMessage('done');
  } else {
    workspace = null;
  }
});
