// The PromQL abstract syntax tree (Prometheus promql/parser/ast.go).
//
// Every node is an Expr; `kind()` says which concrete struct it is, and As<T>() casts to it.
// Children are owned through ExprPtr (unique_ptr). The parser produces every node type except
// StepInvariantExpr, which the engine inserts. Nodes are plain data: fields are public so the
// engine can fill in the runtime fields (VectorSelector::offset_ms, the @ timestamp of
// start()/end()) the way Prometheus's engine does. Not thread-safe to mutate; safe to read from
// several threads once built.
//
// Durations and timestamps are milliseconds. Positions are byte offsets into the query.
#ifndef STRATA_PROMQL_PARSER_AST_H_
#define STRATA_PROMQL_PARSER_AST_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labels/matcher.h"
#include "util/check.h"

namespace strata::promql::parser {

// The type an expression evaluates to.
enum class ValueType : uint8_t { kNone, kScalar, kVector, kMatrix, kString };
// "none", "scalar", "vector", "matrix", "string" (Prometheus ValueType).
std::string_view ValueTypeName(ValueType t);
// The user-facing name: "instant vector", "range vector", otherwise as ValueTypeName.
std::string_view DocumentedType(ValueType t);

struct PositionRange {
  int32_t start = 0;
  int32_t end = 0;
  friend bool operator==(const PositionRange&, const PositionRange&) = default;
};

enum class BinaryOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  // ==
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,
  kAnd,
  kOr,
  kUnless,
  kAtan2,
};
std::string_view BinaryOpString(BinaryOp op);  // "+", "==", "and", "atan2", ...
bool IsComparisonOperator(BinaryOp op);        // == != > < >= <=
bool IsSetOperator(BinaryOp op);               // and or unless

enum class UnaryOp : uint8_t { kAdd, kSub };

enum class AggregateOp : uint8_t {
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
};
std::string_view AggregateOpString(AggregateOp op);  // "sum", "count_values", ...
// topk, bottomk, count_values and quantile take a parameter before the vector.
bool AggregateOpHasParam(AggregateOp op);

// The @ modifier's start() / end() forms; the engine resolves them to a timestamp.
enum class StartOrEnd : uint8_t { kNone, kStart, kEnd };

enum class VectorMatchCardinality : uint8_t { kOneToOne, kManyToOne, kOneToMany, kManyToMany };
std::string_view CardinalityString(VectorMatchCardinality c);  // "one-to-one", ...

// How the elements of two vectors are paired by a binary operator.
struct VectorMatching {
  VectorMatchCardinality card = VectorMatchCardinality::kOneToOne;
  // The labels that define equality of two elements (on) or are ignored (ignoring).
  std::vector<std::string> matching_labels;
  bool on = false;  // matching_labels lists the labels to match on rather than to ignore
  // Labels of the "one" side copied into the result (group_left/group_right).
  std::vector<std::string> include;
};

enum class NodeKind : uint8_t {
  kAggregate,
  kBinary,
  kCall,
  kMatrixSelector,
  kSubquery,
  kNumberLiteral,
  kParen,
  kStringLiteral,
  kUnary,
  kVectorSelector,
  kStepInvariant,
};

struct Function;

class Expr {
 public:
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  NodeKind kind() const { return kind_; }
  // The type the expression evaluates to (Prometheus Expr.Type()).
  virtual ValueType type() const = 0;
  // Where the expression is in the query (Prometheus Node.PositionRange()).
  virtual PositionRange position_range() const = 0;

  template <typename T>
  T& As() {
    DCHECK(kind_ == T::kKind);
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    DCHECK(kind_ == T::kKind);
    return static_cast<const T&>(*this);
  }
  template <typename T>
  bool Is() const {
    return kind_ == T::kKind;
  }

 protected:
  explicit Expr(NodeKind kind) : kind_(kind) {}

 private:
  const NodeKind kind_;
};

using ExprPtr = std::unique_ptr<Expr>;

struct NumberLiteral final : Expr {
  static constexpr NodeKind kKind = NodeKind::kNumberLiteral;
  NumberLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kScalar; }
  PositionRange position_range() const override { return pos_range; }

  double val = 0;
  PositionRange pos_range;
};

struct StringLiteral final : Expr {
  static constexpr NodeKind kKind = NodeKind::kStringLiteral;
  StringLiteral() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kString; }
  PositionRange position_range() const override { return pos_range; }

  std::string val;  // unquoted
  PositionRange pos_range;
};

struct VectorSelector final : Expr {
  static constexpr NodeKind kKind = NodeKind::kVectorSelector;
  VectorSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  PositionRange position_range() const override { return pos_range; }

  std::string name;  // the metric name written before the braces, or ""
  // All matchers in query order; when `name` is set, the last one is __name__="name".
  std::vector<labels::Matcher> matchers;
  int64_t original_offset_ms = 0;  // the offset written in the query
  // The offset to use at execution; the engine computes it (Prometheus Offset). The parser
  // leaves it 0.
  int64_t offset_ms = 0;
  std::optional<int64_t> timestamp_ms;  // @ <timestamp>; the engine sets it for start()/end()
  StartOrEnd start_or_end = StartOrEnd::kNone;
  PositionRange pos_range;
};

struct MatrixSelector final : Expr {
  static constexpr NodeKind kKind = NodeKind::kMatrixSelector;
  MatrixSelector() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  PositionRange position_range() const override {
    return {vector_selector->position_range().start, end_pos};
  }
  // The selector whose range this is. Always a VectorSelector in a successfully parsed tree.
  VectorSelector& vs() { return vector_selector->As<VectorSelector>(); }
  const VectorSelector& vs() const { return vector_selector->As<VectorSelector>(); }

  ExprPtr vector_selector;  // offset and @ of the range live in this VectorSelector
  int64_t range_ms = 0;
  int32_t end_pos = 0;
};

struct SubqueryExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kSubquery;
  SubqueryExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kMatrix; }
  PositionRange position_range() const override { return {expr->position_range().start, end_pos}; }

  ExprPtr expr;
  int64_t range_ms = 0;
  int64_t step_ms = 0;  // 0: the engine's default evaluation interval
  int64_t original_offset_ms = 0;
  int64_t offset_ms = 0;  // set by the engine, as for VectorSelector
  std::optional<int64_t> timestamp_ms;
  StartOrEnd start_or_end = StartOrEnd::kNone;
  int32_t end_pos = 0;
};

struct ParenExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kParen;
  ParenExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  PositionRange position_range() const override { return pos_range; }

  ExprPtr expr;
  PositionRange pos_range;
};

struct UnaryExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kUnary;
  UnaryExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  PositionRange position_range() const override { return {start_pos, expr->position_range().end}; }

  UnaryOp op = UnaryOp::kSub;
  ExprPtr expr;
  int32_t start_pos = 0;
};

struct BinaryExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kBinary;
  BinaryExpr() : Expr(kKind) {}
  // Scalar when both sides are scalars, otherwise vector.
  ValueType type() const override;
  PositionRange position_range() const override {
    return {lhs->position_range().start, rhs->position_range().end};
  }

  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  // Set only when both operands are instant vectors (after type checking). Set operators are
  // always many-to-many.
  std::optional<VectorMatching> vector_matching;
  bool return_bool = false;  // comparison with the bool modifier: 0/1 instead of filtering
};

struct AggregateExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kAggregate;
  AggregateExpr() : Expr(kKind) {}
  ValueType type() const override { return ValueType::kVector; }
  PositionRange position_range() const override { return pos_range; }

  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;                       // the vector aggregated over
  ExprPtr param;                      // set iff AggregateOpHasParam(op)
  std::vector<std::string> grouping;  // by (...) / without (...) labels, in query order
  bool without = false;
  PositionRange pos_range;
};

struct Call final : Expr {
  static constexpr NodeKind kKind = NodeKind::kCall;
  Call() : Expr(kKind) {}
  ValueType type() const override;
  PositionRange position_range() const override { return pos_range; }

  const Function* func = nullptr;  // static storage (functions.h); never null in a parsed tree
  std::vector<ExprPtr> args;
  PositionRange pos_range;
};

// Marks a subtree whose value is the same at every step (inserted by the engine).
struct StepInvariantExpr final : Expr {
  static constexpr NodeKind kKind = NodeKind::kStepInvariant;
  StepInvariantExpr() : Expr(kKind) {}
  ValueType type() const override { return expr->type(); }
  PositionRange position_range() const override { return expr->position_range(); }

  ExprPtr expr;
};

// The direct children of `e`, in Prometheus's order (aggregate: expr then param).
std::vector<const Expr*> Children(const Expr& e);
std::vector<Expr*> Children(Expr& e);

// Depth-first pre-order walk. `fn` gets each node and the path of its ancestors (root first);
// returning false skips the node's children.
using InspectFn = std::function<bool(const Expr& node, const std::vector<const Expr*>& path)>;
void Inspect(const Expr& root, const InspectFn& fn);

// The matchers of every VectorSelector in the tree, in walk order (Prometheus
// ExtractSelectors).
std::vector<std::vector<labels::Matcher>> ExtractSelectors(const Expr& root);

// A deep copy, runtime fields included.
ExprPtr Clone(const Expr& e);

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_AST_H_
