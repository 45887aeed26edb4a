/**
 * Locks a realm's built-ins — the sandbox process's own (`lockProcessIntrinsics`, instead of
 * Node's `--frozen-intrinsics`) and each loss context's (`LOCK_CONTEXT_INTRINSICS`, run by
 * sandboxContext.ts before the snippet loads) — so that neither a loss nor an object of the process
 * that leaked to it can change a built-in the engine or the runtime relies on: every object
 * reachable from the built-ins (prototypes, getters and setters included) ends with
 * `Object.isFrozen` true — no property can be added, removed, reconfigured or written.
 *
 * How, without `--frozen-intrinsics`' cost: V8 gives an `Object.freeze`d object "frozen elements",
 * and a typed array with such an object on its prototype chain stores its elements through the
 * runtime instead of inline (every `Float64Array` write of the engine ~25× slower; the optimizer
 * loop 3.5 s of CPU instead of 1.5 s for 2 M steps). So the prototypes on that chain
 * (Object.prototype, %TypedArray%.prototype and each typed array's) are sealed and their data
 * properties made read-only one by one — the same outcome — and everything else is
 * `Object.freeze`d. Redefining properties one by one leaves an object with dictionary properties,
 * which V8's optimizing compiler does not inline through (a typed array's `length` became a call);
 * using such a prototype as a prototype once more makes V8 give it fast properties again.
 * Neither way touches a property V8 guards with a "protector" (an array's Symbol.iterator, a
 * constructor's Symbol.species, …): redefining one, even unchanged, sends every destructuring,
 * spread or `map` of the whole process down V8's slow paths.
 *
 * As Node does, some data properties of built-in prototypes are first turned into accessor pairs
 * whose setter, on an object derived from the prototype, defines the property there: the
 * "override mistake" (assigning `this.name` in an Error subclass, or `o.toString`, fails once the
 * prototype's is read-only) stays harmless. The getter keeps the value as its own data property
 * `value`, so format.ts can read an error's inherited `name` without running anything.
 *
 * The source is a string so that it runs in the realm it locks: the accessors it installs must
 * belong to that realm (a function of the process's realm inside a loss context would hand the
 * loss the process's `Function`).
 */
import * as vm from 'node:vm';

/**
 * A function expression of the realm it is evaluated in; called with extra roots (functions or
 * objects of that realm that are not reachable from its global built-ins), it locks the realm.
 */
const LOCK_INTRINSICS = String.raw`(function lockIntrinsics(extraRoots) {
  'use strict';
  const { getPrototypeOf, getOwnPropertyDescriptor, getOwnPropertyDescriptors, defineProperty, freeze, seal, create } = Object;
  const ownKeys = Reflect.ownKeys, apply = Reflect.apply, hasOwn = Object.prototype.hasOwnProperty;
  const g = globalThis;
  // Function itself may be gone from the global (a loss context removes it): reached from a function.
  const FunctionPrototype = getPrototypeOf(function () {});
  const optional = (name) => (typeof g[name] === 'undefined' ? [] : [g[name]]);
  const TypedArray = getPrototypeOf(Int8Array);
  const typed = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'].flatMap(optional);
  const errors = ['Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'].flatMap(optional);
  const arrayIterator = getPrototypeOf([][Symbol.iterator]());
  const iterator = getPrototypeOf(arrayIterator);
  const asyncIterator = getPrototypeOf(getPrototypeOf(getPrototypeOf((async function* () {})())));
  const collections = ['Map', 'Set', 'WeakMap', 'WeakSet', 'ArrayBuffer', 'DataView', 'WeakRef', 'FinalizationRegistry',
    'SharedArrayBuffer', 'Promise', 'Date', 'RegExp', 'Number', 'BigInt', 'String', 'Boolean', 'Symbol', 'Object', 'Array'].flatMap(optional);
  const prototypes = [FunctionPrototype, TypedArray.prototype, arrayIterator, iterator, asyncIterator,
    getPrototypeOf(''[Symbol.iterator]()), getPrototypeOf(/e/[Symbol.matchAll]('')),
    getPrototypeOf(new Map()[Symbol.iterator]()), getPrototypeOf(new Set()[Symbol.iterator]()),
    ...[...typed, ...errors, ...collections].map((c) => c.prototype)];
  const roots = [FunctionPrototype.constructor, TypedArray, getPrototypeOf(function* () {}), getPrototypeOf(async function* () {}),
    getPrototypeOf(async function () {}), getOwnPropertyDescriptors(FunctionPrototype).caller.get,
    ...typed, ...errors, ...collections, ...prototypes,
    ...['Math', 'JSON', 'Reflect', 'Proxy', 'Atomics', 'Intl', 'WebAssembly', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
      'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape', 'eval'].flatMap(optional),
    ...extraRoots];

  // The properties a program assigns to objects of its own (its errors' name and message, its
  // classes' toString), made overridable there. Not the species constructors (V8 watches them).
  const overridden = ['constructor', 'name', 'message', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf',
    'propertyIsEnumerable'];
  const species = new Set([Array.prototype, Promise.prototype, RegExp.prototype, TypedArray.prototype, ...typed.map((c) => c.prototype)]);
  const changed = [];
  function overridable(proto, key) {
    const d = apply(getOwnPropertyDescriptor, null, [proto, key]);
    if (d === undefined || !apply(hasOwn, d, ['value']) || !d.configurable || (key === 'constructor' && species.has(proto))) return;
    const value = d.value;
    const getter = () => value;
    defineProperty(getter, 'value', { value, writable: false, enumerable: false, configurable: false });
    function setter(v) {
      if (this === proto) throw new TypeError("Cannot assign to read only property '" + String(key) + "' of a built-in prototype");
      if (apply(hasOwn, this, [key])) this[key] = v;
      else defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
    }
    defineProperty(proto, key, { get: getter, set: setter, enumerable: d.enumerable, configurable: true });
    changed.push(proto);
  }
  for (const proto of prototypes) for (const key of overridden) overridable(proto, key);

  // The prototypes a typed array's element store passes: sealed, then each data property made
  // read-only. Every other object: Object.freeze.
  const chain = new Set([Object.prototype, TypedArray.prototype, ...typed.map((c) => c.prototype)]);
  const locked = new WeakSet();
  const queue = [];
  const enqueue = (v) => { if ((typeof v === 'object' && v !== null) || typeof v === 'function') { if (!locked.has(v)) { locked.add(v); queue.push(v); } } };
  for (const root of roots) enqueue(root);
  for (let k = 0; k < queue.length; k++) {
    const o = queue[k];
    // Most are methods with a length and a name only: frozen without reading their descriptors.
    const keys = typeof o === 'function' ? ownKeys(o) : null;
    if (keys !== null && keys.length === 2 && keys[0] === 'length' && keys[1] === 'name') {
      freeze(o);
      enqueue(getPrototypeOf(o));
      continue;
    }
    const readOnly = chain.has(o);
    if (readOnly) seal(o); else freeze(o);
    const descriptors = getOwnPropertyDescriptors(o);
    for (const key of ownKeys(descriptors)) {
      const d = descriptors[key];
      if (apply(hasOwn, d, ['value'])) {
        if (d.writable) defineProperty(o, key, { writable: false });
        enqueue(d.value);
      } else {
        enqueue(d.get);
        enqueue(d.set);
      }
    }
    enqueue(getPrototypeOf(o));
  }
  // Redefined one by one, these prototypes were left with dictionary properties: used as a
  // prototype again, V8 makes each fast once more (its "OptimizeAsPrototype"); the locks remain.
  for (const proto of new Set([...changed, ...chain])) create(proto);
  return queue.length;
})`;

/** Run in a loss context (after its runtime loaded, before the snippet): locks the context's built-ins. */
export const LOCK_CONTEXT_INTRINSICS = `${LOCK_INTRINSICS}([]);`;

/**
 * Locks the sandbox process's own built-ins (call first, before any snippet): what
 * `--frozen-intrinsics` did, without its cost (see the module's comment). Returns how many
 * objects were locked.
 */
export function lockProcessIntrinsics(): number {
  const lock = vm.runInThisContext(LOCK_INTRINSICS, { filename: 'lock-intrinsics.js' }) as (extraRoots: unknown[]) => number;
  return lock([setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate]);
}
