// The recursive-descent parser behind parser.h. Internal to the parser module.
//
// Prometheus generates its parser with yacc; ours is written by hand but reproduces the
// generated parser's observable behaviour:
//  - Precedence climbing with Prometheus's table: or < and/unless < comparisons < +,- <
//    *,/,%,atan2 < ^ (right associative). Unary +/- binds like '*' on its right, so -a^b is
//    -(a^b) and -a*b is (-a)*b. Postfix [range], [range:step], offset and @ bind tightest.
//  - Syntax errors name the token the LALR parser would have choked on and the context of the
//    innermost grammar rule with an error production ("in grouping opts, expected label");
//    inside an aggregation's argument list that context is "aggregation".
//  - Errors from grammar actions (bad durations, offset placement, unknown functions) are
//    recorded and parsing continues; the first syntax error stops it. Only the first error is
//    reported, so the order in which errors are found follows the generated parser.
//  - Lexer errors are recorded when the bad token is first looked at.
//  - Unlike Prometheus, trees deeper than kMaxExpressionDepth are refused, so that the
//    recursive walks over them cannot exhaust the stack.
#ifndef STRATA_PROMQL_PARSER_PARSER_INTERNAL_H_
#define STRATA_PROMQL_PARSER_PARSER_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promql/parser/ast.h"
#include "promql/parser/lexer.h"
#include "promql/parser/parser.h"

namespace strata::promql::parser::internal {

class Parser {
 public:
  explicit Parser(std::string_view input, bool series_desc = false)
      : input_(input), lexer_(input, series_desc) {}

  // START_EXPRESSION: a whole query. nullptr after a syntax error.
  ExprPtr ParseQuery();
  // START_METRIC_SELECTOR: a vector selector followed by the end of input.
  ExprPtr ParseSelectorOnly();
  // START_METRIC: a metric name and/or label set, into `name` and `labels` (unquoted values).
  bool ParseMetricLabels(std::string* name,
                         std::vector<std::pair<std::string, std::string>>* labels);
  // Requires the end of input; reports anything else as unexpected.
  bool ParseEnd();
  // START_SERIES_DESCRIPTION: the values after the metric (call after ParseMetricLabels).
  bool ParseSeriesValues(std::vector<SequenceValue>* values);

  // Prometheus checkAST: type checks `node` and its children, recording errors. Clears
  // BinaryExpr::vector_matching where an operand is not a vector and upgrades set operators to
  // many-to-many. Returns the node's type.
  ValueType Check(Expr& node);

  const std::vector<ParseError>& errors() const { return errors_; }

 private:
  // Token stream.
  const Token& Peek();
  Token Take();

  // Errors.
  void AddError(PositionRange range, std::string message);
  // A syntax error at the lookahead token: "unexpected <token>[ in <context>][, expected ...]".
  // With an empty context, the enclosing one (aggregation) applies. Stops the parse.
  void Unexpected(std::string_view context = {}, std::string_view expected = {});
  // The same message about `t`, as a grammar action reports it; parsing goes on.
  void UnexpectedToken(const Token& t, std::string_view context, std::string_view expected);

  // Expressions.
  ExprPtr ParseExpression(int min_precedence);
  ExprPtr ParseUnary();
  ExprPtr ParsePostfix(ExprPtr e);
  ExprPtr ParsePrimary();
  ExprPtr ParseParen();
  ExprPtr ParseCall(const Token& name);
  ExprPtr ParseAggregate(const Token& op);
  ExprPtr ParseVectorSelector(const Token* name);
  ExprPtr ParseRangeOrSubquery(ExprPtr e);
  ExprPtr ParseOffset(ExprPtr e);
  ExprPtr ParseAt(ExprPtr e);
  // Records that the tree being built is nested too deeply; stops the parse.
  ExprPtr TooDeep();
  // Adds a level to depth_; false (after TooDeep) past the limit.
  bool Deeper();
  ExprPtr MakeBinary(const Token& op, ExprPtr lhs, ExprPtr rhs, bool return_bool,
                     std::optional<VectorMatching> matching);

  // Pieces.
  bool ParseCallArgs(std::vector<ExprPtr>* args, Token* rparen);
  bool ParseBinModifiers(bool* return_bool, VectorMatching* vm);
  bool ParseGroupingLabels(std::vector<std::string>* labels, Token* rparen);
  bool ParseLabelMatchers(VectorSelector* vs, Token* rbrace);
  void AddMatcher(const Token& name, const Token& op, const Token& value, VectorSelector* vs);
  void FinishAggregate(AggregateExpr* agg, std::vector<ExprPtr> args);
  double NumberValue(const Token& t);
  int64_t DurationValue(const Token& t);
  std::string UnquoteValue(const Token& t);

  // Grammar actions for modifiers.
  void AddOffset(Expr& e, int64_t offset_ms, int32_t last_closing);
  void SetTimestamp(Expr& e, double ts, int32_t last_closing);
  void SetAtPreprocessor(Expr& e, StartOrEnd which, int32_t last_closing);
  struct AtVars {
    std::optional<int64_t>* timestamp;
    StartOrEnd* start_or_end;
    int32_t* end;
  };
  bool GetAtModifierVars(Expr& e, AtVars* vars);

  // Series descriptions.
  bool ParseSeriesItem(std::vector<SequenceValue>* values);
  bool ParseSeriesValue(double* v);
  bool ParseRepetitions(uint64_t* n);

  // Type checks.
  void ExpectType(Expr& node, ValueType want, std::string_view context);
  void CheckBinary(BinaryExpr& b);
  void CheckBinaryMatching(BinaryExpr& b, ValueType lt, ValueType rt);
  void CheckCall(Call& c);
  void CheckVectorSelector(const VectorSelector& vs);
  PositionRange OperatorRange(const BinaryExpr& b) const;

  std::string_view input_;
  Lexer lexer_;
  std::optional<Token> lookahead_;
  std::vector<ParseError> errors_;
  bool failed_ = false;        // a syntax error stopped the parse
  int aggregation_depth_ = 0;  // > 0 while inside an aggregation's op ... argument list
  // Trees are walked recursively (type checks, printing, destruction, evaluation), so their
  // depth is bounded. depth_ is the height of the tree a Parse* function last returned;
  // recursion_ counts nested ParseExpression calls ("- - - 1" nests without growing the tree).
  int depth_ = 0;
  int recursion_ = 0;
};

// Whether `t` can start an expression (the FIRST set of the grammar's expr).
bool StartsExpression(TokenType t);
// Tokens usable as a metric name at the start of a selector.
bool IsMetricIdentifier(TokenType t);
// Whether `s` is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*).
bool IsLabelName(std::string_view s);

}  // namespace strata::promql::parser::internal

#endif  // STRATA_PROMQL_PARSER_PARSER_INTERNAL_H_
