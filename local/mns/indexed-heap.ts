/** A handle on a heap entry, so the entry can be removed or re-keyed in O(log n). */
export interface HeapNode<T> {
  readonly value: T;
  /** Position in the heap; -1 once removed. */
  index: number;
}

/** A binary min-heap whose entries can be removed or re-keyed after their sort key changes. */
export class IndexedHeap<T> {
  readonly #nodes: HeapNode<T>[] = [];

  /** `before(a, b)` is true when `a` must come out before `b`. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.#nodes.length;
  }

  peek(): T | undefined {
    return this.#nodes[0]?.value;
  }

  push(value: T): HeapNode<T> {
    const node: HeapNode<T> = { value, index: this.#nodes.length };
    this.#nodes.push(node);
    this.#up(node.index);
    return node;
  }

  pop(): T | undefined {
    const top = this.#nodes[0];
    if (top) this.remove(top);
    return top?.value;
  }

  remove(node: HeapNode<T>): void {
    const index = node.index;
    if (index < 0 || this.#nodes[index] !== node) return;
    const last = this.#nodes.pop()!;
    node.index = -1;
    if (last === node) return;
    this.#place(last, index);
    this.update(last);
  }

  /** Restores heap order after the node's sort key changed. */
  update(node: HeapNode<T>): void {
    if (node.index < 0) return;
    this.#down(this.#up(node.index));
  }

  /** Entries in heap (not sorted) order. */
  values(): T[] {
    return this.#nodes.map((node) => node.value);
  }

  #up(start: number): number {
    let index = start;
    const node = this.#nodes[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = this.#nodes[parentIndex]!;
      if (!this.before(node.value, parent.value)) break;
      this.#place(parent, index);
      index = parentIndex;
    }
    this.#place(node, index);
    return index;
  }

  #down(start: number): void {
    let index = start;
    const node = this.#nodes[index]!;
    const length = this.#nodes.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child =
        right < length && this.before(this.#nodes[right]!.value, this.#nodes[left]!.value) ? right : left;
      const childNode = this.#nodes[child]!;
      if (!this.before(childNode.value, node.value)) break;
      this.#place(childNode, index);
      index = child;
    }
    this.#place(node, index);
  }

  #place(node: HeapNode<T>, index: number): void {
    this.#nodes[index] = node;
    node.index = index;
  }
}
