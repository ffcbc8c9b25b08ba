#pragma once
// A min-heap on a plain vector (std::priority_queue hides its container, and the scheduler
// compacts its heaps in place). Ordered by operator>.

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

namespace smppd {

template <class T>
void heap_push(std::vector<T>& heap, T value) {
  heap.push_back(std::move(value));
  std::push_heap(heap.begin(), heap.end(), std::greater<>());
}

template <class T>
T heap_pop(std::vector<T>& heap) {
  std::pop_heap(heap.begin(), heap.end(), std::greater<>());
  T top = std::move(heap.back());
  heap.pop_back();
  return top;
}

}  // namespace smppd
