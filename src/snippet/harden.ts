/**
 * Inside a sandbox process, before any snippet loads: checks which protections actually hold
 * (the host asked for them with flags, see `launch.ts`; a runtime may not support one) and takes
 * away what code that got out of the `vm` context could use next — network globals, the ways
 * from `process` to native bindings, modules and signals, and the environment.
 *
 * The process's own code is strict (esbuild and tsc both emit "use strict"): a stack frame of a
 * strict function gives a stack-trace hook neither its `this` nor the function.
 */
// Default imports: the modules' own objects (a namespace import would be a copy), patched in place.
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import inspector from 'node:inspector';
import net from 'node:net';
import workerThreads from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import type { SandboxIsolation } from './types';

/** Globals no loss or sandbox code needs, each a way out to the network. */
const NETWORK_GLOBALS = ['fetch', 'WebSocket', 'EventSource', 'Request', 'Response', 'Headers', 'FormData', 'navigator'];

/**
 * Members of `process` that reach native bindings, modules, other processes or the file system
 * (`report` writes files, `kill` signals any process of the user, `getBuiltinModule` is `require`
 * for built-ins on Node ≥ 22.3).
 */
const PROCESS_MEMBERS = ['binding', '_linkedBinding', 'dlopen', 'kill', '_kill', 'getBuiltinModule', 'mainModule',
  'report', 'chdir', 'setuid', 'setgid', 'seteuid', 'setegid', 'setgroups', 'initgroups', '_debugProcess',
  '_debugEnd', '_startProfilerIdleNotifier', '_stopProfilerIdleNotifier', 'openStdin', 'loadEnvFile', 'setSourceMapsEnabled'];

/** What is missing, in words, for the host's one-time warning. */
function missingProtections(isolation: Omit<SandboxIsolation, 'missing'>, frozenAsked: boolean): string[] {
  const missing: string[] = [];
  if (!isolation.permissionModel) missing.push('Node\'s permission model (file writes, child processes and workers stay possible)');
  if (!isolation.codeGenerationBlocked) missing.push('blocking code generation from strings');
  if (frozenAsked && !isolation.frozenIntrinsics) missing.push('frozen built-ins');
  return missing;
}

function codeGenerationBlocked(): boolean {
  try {
    new Function('return 1');
    return false;
  } catch {
    return true;
  }
}

function permissionModel(): boolean {
  const permission = (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
  if (!permission) return false;
  try {
    return !permission.has('fs.write') && !permission.has('child') && !permission.has('worker');
  } catch {
    return false;
  }
}

/**
 * The protections in force, as checked here (not as requested by flags). The compiler process,
 * which runs no user code, is not asked to freeze its built-ins (`frozenAsked` false).
 */
export function checkIsolation(frozenAsked = true): SandboxIsolation {
  const checked = {
    permissionModel: permissionModel(),
    codeGenerationBlocked: codeGenerationBlocked(),
    frozenIntrinsics: Object.isFrozen(Object.prototype) && Object.isFrozen(Error) && Object.isFrozen(Function.prototype),
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / (1024 * 1024)),
  };
  return { ...checked, missing: missingProtections(checked, frozenAsked) };
}

/** Replaces `names` of `target` by a function that refuses, for good (not writable, not configurable). */
function refuse(target: object, names: readonly string[], what: string): void {
  const refused = (): never => { throw Object.assign(new Error(`${what} is not allowed in the sandbox`), { code: 'ERR_SANDBOX_REFUSED' }); };
  for (const name of names) {
    if (typeof (target as Record<string, unknown>)[name] !== 'function') continue;
    Object.defineProperty(target, name, { value: refused, writable: false, configurable: false });
  }
}

/**
 * Closes the network, which Node's permission model (before Node 25) leaves open: every way the
 * built-in modules connect, listen, send datagrams, resolve names or open the inspector refuses.
 * (Our own channel is a socket made from an inherited descriptor: it never connects.)
 */
function blockNetwork(): void {
  refuse(net.Socket.prototype, ['connect'], 'connecting');
  refuse(net.Server.prototype, ['listen'], 'listening');
  refuse(net, ['connect', 'createConnection'], 'connecting');
  refuse(dgram.Socket.prototype, ['bind', 'connect', 'send'], 'sending datagrams');
  for (const resolver of [dns, dns.promises]) {
    const names = Object.keys(resolver).filter((k) => k !== 'Resolver' && typeof (resolver as Record<string, unknown>)[k] === 'function');
    refuse(resolver, names, 'resolving names');
    const proto = resolver.Resolver.prototype as object;
    refuse(proto, Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor'), 'resolving names');
  }
  refuse(inspector, ['open', 'url'], 'the inspector');
  refuse(inspector.Session.prototype, ['connect', 'connectToMainThread'], 'the inspector');
}

/** Every function of `module` (a built-in module's object). */
function functionsOf(module: object): string[] {
  return Object.keys(module).filter((k) => typeof (module as Record<string, unknown>)[k] === 'function');
}

/**
 * Files, child processes and workers, closed again in the process's own modules: what the
 * permission model does, for runtimes without it (and a second layer where it is). Only for the
 * loss's process, which needs no file once its script is loaded.
 */
function blockFilesAndProcesses(): void {
  refuse(fs, functionsOf(fs), 'file access');
  refuse(fs.promises, functionsOf(fs.promises), 'file access');
  refuse(childProcess, functionsOf(childProcess), 'starting a process');
  refuse(workerThreads, ['Worker'], 'starting a worker');
}

/**
 * Removes the process's network globals and the dangerous members of `process`, closes the
 * network (blockNetwork) and — `closeFiles` — files and processes, empties the environment, and keeps Node from formatting a promise
 * rejection reason the loss made (its getters would run in this realm). Call once, before any
 * snippet loads.
 */
export function hardenProcess(options: { readonly closeFiles: boolean }): void {
  blockNetwork();
  if (options.closeFiles) blockFilesAndProcesses();
  const global = globalThis as Record<string, unknown>;
  for (const name of NETWORK_GLOBALS) {
    if (name in global) Object.defineProperty(global, name, { value: undefined, writable: false, configurable: false });
  }
  const proc = process as unknown as Record<string, unknown>;
  for (const name of PROCESS_MEMBERS) {
    if (name in proc) Object.defineProperty(proc, name, { value: undefined, writable: false, configurable: false });
  }
  for (const key of Object.keys(process.env)) delete process.env[key];
  process.on('unhandledRejection', () => { /* a rejection inside the loss's context: never inspected here */ });
}
