import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HeapNode, IndexedHeap } from '../../local/mns/indexed-heap.js';

interface Item {
  key: number;
}

describe('the indexed heap', () => {
  it('pops entries in key order after any mix of pushes, removals and re-keys', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), key: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('rekey' as const), at: fc.nat(), key: fc.integer({ min: 0, max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const heap = new IndexedHeap<Item>((a, b) => a.key < b.key);
        const live: HeapNode<Item>[] = [];
        for (const op of operations) {
          if (op.kind === 'push') live.push(heap.push({ key: op.key }));
          else if (live.length > 0) {
            const node = live[op.at % live.length]!;
            if (op.kind === 'remove') {
              heap.remove(node);
              live.splice(live.indexOf(node), 1);
            } else {
              node.value.key = op.key;
              heap.update(node);
            }
          }
        }
        const expected = live.map((node) => node.value.key).sort((a, b) => a - b);
        expect(heap.size).toBe(expected.length);
        const popped: number[] = [];
        for (let item = heap.pop(); item; item = heap.pop()) popped.push(item.key);
        expect(popped).toEqual(expected);
        expect(live.every((node) => node.index === -1)).toBe(true);
      }),
    );
  });

  it('ignores removing an entry twice', () => {
    const heap = new IndexedHeap<Item>((a, b) => a.key < b.key);
    const node = heap.push({ key: 1 });
    heap.push({ key: 2 });
    heap.remove(node);
    heap.remove(node);
    expect(heap.size).toBe(1);
    expect(heap.peek()).toEqual({ key: 2 });
  });
});
