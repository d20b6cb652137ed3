// Merging data sources: the same series may live in several blocks, the head and the OOO head.
// Prometheus storage/merge.go: a k-way merge of sorted series sets, and for series present in more
// than one input a chained iterator that merges samples by time and keeps one sample per timestamp.
#ifndef STRATA_STORAGE_MERGE_H_
#define STRATA_STORAGE_MERGE_H_

#include <memory>
#include <vector>

#include "storage/storage.h"

namespace strata::storage {

// Merges series sets sorted by labels into one sorted set; series with equal labels become one
// series whose samples are the time-ordered union of theirs (for equal timestamps the sample of the
// earliest input wins). An error of any input ends the merge with that error.
std::unique_ptr<SeriesSet> MergeSeriesSets(std::vector<std::unique_ptr<SeriesSet>> sets);

// Merges iterators over one series; equal timestamps are emitted once (from the lowest index).
std::unique_ptr<SeriesIterator> MergeIterators(std::vector<std::unique_ptr<SeriesIterator>> its);

// Merges queriers: Select merges their sets, LabelNames/LabelValues union their answers.
std::unique_ptr<Querier> MergeQueriers(std::vector<std::unique_ptr<Querier>> queriers);

}  // namespace strata::storage

#endif  // STRATA_STORAGE_MERGE_H_
