#include "promql/parser/parser.h"

#include <algorithm>

#include "promql/parser/functions.h"
#include "promql/parser/go_strings.h"
#include "promql/parser/parser_internal.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql::parser {
namespace internal {
namespace {

constexpr int kLowestPrecedence = 1;
constexpr int kPowPrecedence = 6;

// Binary operator precedence, 0 for tokens that are not binary operators.
int Precedence(TokenType t) {
  switch (t) {
    case TokenType::kLor:
      return 1;
    case TokenType::kLand:
    case TokenType::kLunless:
      return 2;
    case TokenType::kEqlc:
    case TokenType::kNeq:
    case TokenType::kLte:
    case TokenType::kLss:
    case TokenType::kGte:
    case TokenType::kGtr:
      return 3;
    case TokenType::kAdd:
    case TokenType::kSub:
      return 4;
    case TokenType::kMul:
    case TokenType::kDiv:
    case TokenType::kMod:
    case TokenType::kAtan2:
      return 5;
    case TokenType::kPow:
      return kPowPrecedence;
    default:
      return 0;
  }
}

BinaryOp ToBinaryOp(TokenType t) {
  switch (t) {
    case TokenType::kAdd:
      return BinaryOp::kAdd;
    case TokenType::kSub:
      return BinaryOp::kSub;
    case TokenType::kMul:
      return BinaryOp::kMul;
    case TokenType::kDiv:
      return BinaryOp::kDiv;
    case TokenType::kMod:
      return BinaryOp::kMod;
    case TokenType::kPow:
      return BinaryOp::kPow;
    case TokenType::kEqlc:
      return BinaryOp::kEqlc;
    case TokenType::kNeq:
      return BinaryOp::kNeq;
    case TokenType::kGtr:
      return BinaryOp::kGtr;
    case TokenType::kLss:
      return BinaryOp::kLss;
    case TokenType::kGte:
      return BinaryOp::kGte;
    case TokenType::kLte:
      return BinaryOp::kLte;
    case TokenType::kLand:
      return BinaryOp::kAnd;
    case TokenType::kLor:
      return BinaryOp::kOr;
    case TokenType::kLunless:
      return BinaryOp::kUnless;
    default:
      return BinaryOp::kAtan2;
  }
}

AggregateOp ToAggregateOp(TokenType t) {
  switch (t) {
    case TokenType::kSum:
      return AggregateOp::kSum;
    case TokenType::kAvg:
      return AggregateOp::kAvg;
    case TokenType::kCount:
      return AggregateOp::kCount;
    case TokenType::kMin:
      return AggregateOp::kMin;
    case TokenType::kMax:
      return AggregateOp::kMax;
    case TokenType::kGroup:
      return AggregateOp::kGroup;
    case TokenType::kStddev:
      return AggregateOp::kStddev;
    case TokenType::kStdvar:
      return AggregateOp::kStdvar;
    case TokenType::kTopk:
      return AggregateOp::kTopk;
    case TokenType::kBottomk:
      return AggregateOp::kBottomk;
    case TokenType::kCountValues:
      return AggregateOp::kCountValues;
    default:
      return AggregateOp::kQuantile;
  }
}

// Tokens the grammar accepts as a label name in by/without/on/ignoring/group_x lists.
bool IsMaybeLabel(TokenType t) {
  if (IsAggregator(t)) return true;
  switch (t) {
    case TokenType::kBool:
    case TokenType::kBy:
    case TokenType::kGroupLeft:
    case TokenType::kGroupRight:
    case TokenType::kIdentifier:
    case TokenType::kIgnoring:
    case TokenType::kLand:
    case TokenType::kLor:
    case TokenType::kLunless:
    case TokenType::kMetricIdentifier:
    case TokenType::kOffset:
    case TokenType::kOn:
    case TokenType::kStart:
    case TokenType::kEnd:
    case TokenType::kAtan2:
      return true;
    default:
      return false;
  }
}

PositionRange RangeOf(const Token& t) { return {t.pos, t.end()}; }

// Counts the nesting of ParseExpression calls.
class RecursionScope {
 public:
  explicit RecursionScope(int* depth) : depth_(depth) { ++*depth_; }
  ~RecursionScope() { --*depth_; }

 private:
  int* depth_;
};

// Keeps the "aggregation" error context active for a scope.
class AggregationScope {
 public:
  explicit AggregationScope(int* depth) : depth_(depth) { ++*depth_; }
  ~AggregationScope() { Close(); }
  void Close() {
    if (depth_ != nullptr) --*depth_;
    depth_ = nullptr;
  }

 private:
  int* depth_;
};

}  // namespace

bool StartsExpression(TokenType t) {
  switch (t) {
    case TokenType::kNumber:
    case TokenType::kString:
    case TokenType::kLeftParen:
    case TokenType::kLeftBrace:
    case TokenType::kAdd:
    case TokenType::kSub:
      return true;
    default:
      return IsMetricIdentifier(t);
  }
}

bool IsMetricIdentifier(TokenType t) {
  if (IsAggregator(t)) return true;
  switch (t) {
    case TokenType::kIdentifier:
    case TokenType::kMetricIdentifier:
    case TokenType::kBy:
    case TokenType::kLand:
    case TokenType::kLor:
    case TokenType::kLunless:
    case TokenType::kOffset:
    case TokenType::kWithout:
    case TokenType::kStart:
    case TokenType::kEnd:
      return true;
    default:
      return false;
  }
}

bool IsLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    bool alpha = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

const Token& Parser::Peek() {
  if (!lookahead_) {
    Token t = lexer_.Next();
    while (t.type == TokenType::kComment) t = lexer_.Next();
    if (t.type == TokenType::kError) {
      AddError({t.pos, static_cast<int32_t>(input_.size())}, std::string(t.text));
    }
    lookahead_ = t;
  }
  return *lookahead_;
}

Token Parser::Take() {
  Token t = Peek();
  lookahead_.reset();
  return t;
}

void Parser::AddError(PositionRange range, std::string message) {
  errors_.push_back(ParseError{range, std::move(message)});
}

void Parser::UnexpectedToken(const Token& t, std::string_view context, std::string_view expected) {
  if (t.type == TokenType::kError) return;  // the lexer error is already recorded
  std::string msg = "unexpected " + TokenDescription(t);
  if (!context.empty()) StrAppend(&msg, " in ", context);
  if (!expected.empty()) StrAppend(&msg, ", expected ", expected);
  AddError(RangeOf(t), std::move(msg));
}

void Parser::Unexpected(std::string_view context, std::string_view expected) {
  if (context.empty() && aggregation_depth_ > 0) context = "aggregation";
  UnexpectedToken(Peek(), context, expected);
  failed_ = true;
}

ExprPtr Parser::ParseQuery() {
  if (Peek().type == TokenType::kEOF) {
    AddError({0, 0}, "no expression found in input");
    return nullptr;
  }
  ExprPtr e = ParseExpression(kLowestPrecedence);
  if (e == nullptr || !ParseEnd()) return nullptr;
  return e;
}

bool Parser::ParseEnd() {
  if (Peek().type == TokenType::kEOF) return true;
  Unexpected();
  return false;
}

ExprPtr Parser::ParseSelectorOnly() {
  Token t = Peek();
  ExprPtr e;
  if (IsMetricIdentifier(t.type)) {
    Take();
    e = ParseVectorSelector(&t);
  } else if (t.type == TokenType::kLeftBrace) {
    e = ParseVectorSelector(nullptr);
  } else {
    Unexpected();
    return nullptr;
  }
  if (e == nullptr || !ParseEnd()) return nullptr;
  return e;
}

ExprPtr Parser::ParseExpression(int min_precedence) {
  RecursionScope scope(&recursion_);
  if (recursion_ > kMaxExpressionDepth) return TooDeep();
  ExprPtr lhs = ParseUnary();
  if (lhs == nullptr) return nullptr;
  int depth = depth_;
  for (;;) {
    int prec = Precedence(Peek().type);
    if (prec == 0 || prec < min_precedence) break;
    Token op = Take();
    bool return_bool = false;
    VectorMatching vm;
    if (!ParseBinModifiers(&return_bool, &vm)) return nullptr;
    // '^' is right associative; everything else groups to the left.
    ExprPtr rhs = ParseExpression(op.type == TokenType::kPow ? prec : prec + 1);
    if (rhs == nullptr) return nullptr;
    depth = std::max(depth, depth_) + 1;
    lhs = MakeBinary(op, std::move(lhs), std::move(rhs), return_bool, std::move(vm));
    if (depth > kMaxExpressionDepth) return TooDeep();
  }
  depth_ = depth;
  return lhs;
}

ExprPtr Parser::TooDeep() {
  AddError(RangeOf(Peek()),
           StrCat("expression nested too deeply (more than ", kMaxExpressionDepth, " levels)"));
  failed_ = true;
  return nullptr;
}

bool Parser::Deeper() {
  if (++depth_ <= kMaxExpressionDepth) return true;
  TooDeep();
  return false;
}

ExprPtr Parser::MakeBinary(const Token& op, ExprPtr lhs, ExprPtr rhs, bool return_bool,
                           std::optional<VectorMatching> matching) {
  auto b = std::make_unique<BinaryExpr>();
  b->op = ToBinaryOp(op.type);
  b->lhs = std::move(lhs);
  b->rhs = std::move(rhs);
  b->return_bool = return_bool;
  b->vector_matching = std::move(matching);
  return b;
}

bool Parser::ParseBinModifiers(bool* return_bool, VectorMatching* vm) {
  if (Peek().type == TokenType::kBool) {
    Take();
    *return_bool = true;
  }
  TokenType t = Peek().type;
  if (t != TokenType::kOn && t != TokenType::kIgnoring) return true;
  Take();
  vm->on = t == TokenType::kOn;
  Token rparen;
  if (!ParseGroupingLabels(&vm->matching_labels, &rparen)) return false;
  t = Peek().type;
  if (t != TokenType::kGroupLeft && t != TokenType::kGroupRight) return true;
  Take();
  vm->card = t == TokenType::kGroupLeft ? VectorMatchCardinality::kManyToOne
                                        : VectorMatchCardinality::kOneToMany;
  // A '(' right after group_x always opens its label list, never the right operand.
  if (Peek().type == TokenType::kLeftParen) return ParseGroupingLabels(&vm->include, &rparen);
  if (StartsExpression(Peek().type)) return true;
  Unexpected("grouping opts", "\"(\"");
  return false;
}

bool Parser::ParseGroupingLabels(std::vector<std::string>* labels, Token* rparen) {
  if (Peek().type != TokenType::kLeftParen) {
    Unexpected("grouping opts", "\"(\"");
    return false;
  }
  Take();
  if (Peek().type == TokenType::kRightParen) {
    *rparen = Take();
    return true;
  }
  for (;;) {
    Token label = Peek();
    if (!IsMaybeLabel(label.type)) {
      Unexpected("grouping opts", "label");
      return false;
    }
    Take();
    // Keywords are fine as label names, but "a:b" is not.
    if (!IsLabelName(label.text)) UnexpectedToken(label, "grouping opts", "label");
    labels->emplace_back(label.text);
    TokenType t = Peek().type;
    if (t == TokenType::kComma) {
      Take();
      if (Peek().type == TokenType::kRightParen) {
        *rparen = Take();
        return true;
      }
      continue;
    }
    if (t == TokenType::kRightParen) {
      *rparen = Take();
      return true;
    }
    Unexpected("grouping opts", "\",\" or \")\"");
    return false;
  }
}

ExprPtr Parser::ParseUnary() {
  TokenType t = Peek().type;
  if (t != TokenType::kAdd && t != TokenType::kSub) return ParsePostfix(ParsePrimary());
  Token op = Take();
  // The operand takes only '^' (and postfix modifiers): unary minus binds like '*'.
  ExprPtr operand = ParseExpression(kPowPrecedence);
  if (operand == nullptr) return nullptr;
  if (operand->Is<NumberLiteral>()) {
    auto& n = operand->As<NumberLiteral>();
    if (op.type == TokenType::kSub) n.val = -n.val;
    n.pos_range.start = op.pos;
    return operand;
  }
  if (!Deeper()) return nullptr;
  auto u = std::make_unique<UnaryExpr>();
  u->op = op.type == TokenType::kSub ? UnaryOp::kSub : UnaryOp::kAdd;
  u->expr = std::move(operand);
  u->start_pos = op.pos;
  return u;
}

ExprPtr Parser::ParsePostfix(ExprPtr e) {
  while (e != nullptr) {
    switch (Peek().type) {
      case TokenType::kLeftBracket:
        e = ParseRangeOrSubquery(std::move(e));
        if (e != nullptr && !Deeper()) return nullptr;
        break;
      case TokenType::kOffset:
        e = ParseOffset(std::move(e));
        break;
      case TokenType::kAt:
        e = ParseAt(std::move(e));
        break;
      default:
        return e;
    }
  }
  return nullptr;
}

ExprPtr Parser::ParsePrimary() {
  Token t = Peek();
  switch (t.type) {
    case TokenType::kNumber: {
      Take();
      auto n = std::make_unique<NumberLiteral>();
      n->val = NumberValue(t);
      n->pos_range = RangeOf(t);
      depth_ = 1;
      return n;
    }
    case TokenType::kString: {
      Take();
      auto s = std::make_unique<StringLiteral>();
      s->val = UnquoteValue(t);
      s->pos_range = RangeOf(t);
      depth_ = 1;
      return s;
    }
    case TokenType::kLeftParen:
      return ParseParen();
    case TokenType::kLeftBrace:
      return ParseVectorSelector(nullptr);
    case TokenType::kIdentifier:
      Take();
      if (Peek().type == TokenType::kLeftParen) return ParseCall(t);
      return ParseVectorSelector(&t);
    default:
      break;
  }
  if (IsAggregator(t.type)) {
    Take();
    TokenType next = Peek().type;
    if (next == TokenType::kLeftParen || next == TokenType::kBy || next == TokenType::kWithout) {
      return ParseAggregate(t);
    }
    return ParseVectorSelector(&t);  // aggregation names are valid metric names
  }
  if (IsMetricIdentifier(t.type)) {
    Take();
    return ParseVectorSelector(&t);
  }
  Unexpected();
  return nullptr;
}

ExprPtr Parser::ParseParen() {
  Token lparen = Take();
  ExprPtr inner = ParseExpression(kLowestPrecedence);
  if (inner == nullptr) return nullptr;
  if (Peek().type != TokenType::kRightParen) {
    Unexpected();
    return nullptr;
  }
  Token rparen = Take();
  if (!Deeper()) return nullptr;
  auto p = std::make_unique<ParenExpr>();
  p->expr = std::move(inner);
  p->pos_range = {lparen.pos, rparen.end()};
  return p;
}

bool Parser::ParseCallArgs(std::vector<ExprPtr>* args, Token* rparen) {
  Take();         // '('
  int depth = 0;  // the deepest argument
  if (Peek().type == TokenType::kRightParen) {
    *rparen = Take();
    depth_ = depth;
    return true;
  }
  for (;;) {
    ExprPtr arg = ParseExpression(kLowestPrecedence);
    if (arg == nullptr) return false;
    depth = std::max(depth, depth_);
    args->push_back(std::move(arg));
    for (;;) {
      TokenType t = Peek().type;
      if (t == TokenType::kRightParen) {
        *rparen = Take();
        depth_ = depth;
        return true;
      }
      if (t != TokenType::kComma) {
        Unexpected();
        return false;
      }
      Token comma = Take();
      if (StartsExpression(Peek().type)) break;
      // The grammar reduces "args ," here and carries on, so "f(a,,b)" parses on.
      AddError(RangeOf(comma), "trailing commas not allowed in function call args");
    }
  }
}

ExprPtr Parser::ParseCall(const Token& name) {
  std::vector<ExprPtr> args;
  Token rparen;
  if (!ParseCallArgs(&args, &rparen) || !Deeper()) return nullptr;
  const Function* f = GetFunction(name.text);
  if (f == nullptr) {
    AddError(RangeOf(name), StrCat("unknown function with name ", GoQuote(name.text)));
  }
  auto c = std::make_unique<Call>();
  c->func = f;
  c->args = std::move(args);
  c->pos_range = {name.pos, rparen.end()};
  return c;
}

ExprPtr Parser::ParseAggregate(const Token& op) {
  auto agg = std::make_unique<AggregateExpr>();
  agg->op = ToAggregateOp(op.type);
  AggregationScope scope(&aggregation_depth_);
  Token rparen;
  bool modifier_first = Peek().type != TokenType::kLeftParen;
  if (modifier_first) {
    agg->without = Take().type == TokenType::kWithout;
    if (!ParseGroupingLabels(&agg->grouping, &rparen)) return nullptr;
    if (Peek().type != TokenType::kLeftParen) {
      Unexpected();
      return nullptr;
    }
  }
  std::vector<ExprPtr> args;
  if (!ParseCallArgs(&args, &rparen) || !Deeper()) return nullptr;
  int depth = depth_;
  scope.Close();
  // "op (args)" may still be followed by its modifier; "op modifier (args)" is complete and
  // its argument checks come before the next token is read.
  TokenType next = modifier_first ? TokenType::kEOF : Peek().type;
  if (next == TokenType::kBy || next == TokenType::kWithout) {
    agg->without = Take().type == TokenType::kWithout;
    if (!ParseGroupingLabels(&agg->grouping, &rparen)) return nullptr;
  }
  agg->pos_range = {op.pos, rparen.end()};
  FinishAggregate(agg.get(), std::move(args));
  depth_ = depth;
  return agg;
}

void Parser::FinishAggregate(AggregateExpr* agg, std::vector<ExprPtr> args) {
  if (args.empty()) {
    AddError(agg->pos_range, "no arguments for aggregate expression provided");
    return;
  }
  size_t want = AggregateOpHasParam(agg->op) ? 2 : 1;
  if (want == 2) agg->param = std::move(args[0]);
  if (args.size() != want) {
    AddError(agg->pos_range,
             StrCat("wrong number of arguments for aggregate expression provided, expected ", want,
                    ", got ", args.size()));
    return;
  }
  agg->expr = std::move(args[want - 1]);
}

ExprPtr Parser::ParseVectorSelector(const Token* name) {
  auto vs = std::make_unique<VectorSelector>();
  if (name != nullptr) {
    vs->name = std::string(name->text);
    vs->pos_range = RangeOf(*name);
  }
  if (Peek().type == TokenType::kLeftBrace) {
    Token lbrace = Peek();
    Token rbrace;
    if (!ParseLabelMatchers(vs.get(), &rbrace)) return nullptr;
    vs->pos_range = {name != nullptr ? name->pos : lbrace.pos, rbrace.end()};
  }
  if (name != nullptr) vs->matchers.push_back(labels::Matcher::Equal("__name__", vs->name));
  depth_ = 1;
  return vs;
}

bool Parser::ParseLabelMatchers(VectorSelector* vs, Token* rbrace) {
  Take();  // '{'
  if (Peek().type == TokenType::kRightBrace) {
    *rbrace = Take();
    return true;
  }
  for (;;) {
    Token name = Peek();
    if (name.type != TokenType::kIdentifier) {
      Unexpected("label matching", "identifier or \"}\"");
      return false;
    }
    Take();
    Token op = Peek();
    if (op.type != TokenType::kAssign && op.type != TokenType::kNeq &&
        op.type != TokenType::kEqlRegex && op.type != TokenType::kNeqRegex) {
      Unexpected("label matching", "label matching operator");
      return false;
    }
    Take();
    Token value = Peek();
    if (value.type != TokenType::kString) {
      Unexpected("label matching", "string");
      return false;
    }
    Take();
    AddMatcher(name, op, value, vs);
    TokenType t = Peek().type;
    if (t == TokenType::kComma) {
      Take();
      if (Peek().type == TokenType::kRightBrace) {
        *rbrace = Take();
        return true;
      }
      continue;
    }
    if (t == TokenType::kRightBrace) {
      *rbrace = Take();
      return true;
    }
    Unexpected("label matching", "\",\" or \"}\"");
    return false;
  }
}

ExprPtr Parser::ParseRangeOrSubquery(ExprPtr e) {
  Token lbracket = Take();
  Token range = Peek();
  if (range.type != TokenType::kDuration) {
    Unexpected("subquery selector", "duration");
    return nullptr;
  }
  Take();
  int64_t range_ms = DurationValue(range);
  if (Peek().type == TokenType::kRightBracket) {
    Token rbracket = Take();
    const char* error = nullptr;
    if (!e->Is<VectorSelector>()) {
      error = "ranges only allowed for vector selectors";
    } else if (e->As<VectorSelector>().original_offset_ms != 0) {
      error = "no offset modifiers allowed before range";
    } else if (e->As<VectorSelector>().timestamp_ms.has_value()) {
      error = "no @ modifiers allowed before range";
    }
    if (error != nullptr) AddError({lbracket.pos, rbracket.end()}, error);
    auto m = std::make_unique<MatrixSelector>();
    m->vector_selector = std::move(e);
    m->range_ms = range_ms;
    m->end_pos = rbracket.end();
    return m;
  }
  if (Peek().type != TokenType::kColon) {
    Unexpected("subquery or range", "\":\" or \"]\"");
    return nullptr;
  }
  Take();
  int64_t step_ms = 0;
  if (Peek().type == TokenType::kDuration) {
    step_ms = DurationValue(Take());
    if (Peek().type != TokenType::kRightBracket) {
      Unexpected("subquery selector", "\"]\"");
      return nullptr;
    }
  } else if (Peek().type != TokenType::kRightBracket) {
    Unexpected("subquery selector", "duration or \"]\"");
    return nullptr;
  }
  Token rbracket = Take();
  auto s = std::make_unique<SubqueryExpr>();
  s->expr = std::move(e);
  s->range_ms = range_ms;
  s->step_ms = step_ms;
  s->end_pos = rbracket.pos + 1;
  return s;
}

ExprPtr Parser::ParseOffset(ExprPtr e) {
  Take();  // offset
  bool negative = false;
  if (Peek().type == TokenType::kSub) {
    Take();
    negative = true;
  }
  if (Peek().type != TokenType::kDuration) {
    Unexpected("offset", "duration");
    return nullptr;
  }
  Token d = Take();
  int64_t offset_ms = DurationValue(d);
  AddOffset(*e, negative ? -offset_ms : offset_ms, d.end());
  return e;
}

ExprPtr Parser::ParseAt(ExprPtr e) {
  Take();  // @
  Token t = Peek();
  if (t.type == TokenType::kStart || t.type == TokenType::kEnd) {
    Take();
    if (Peek().type != TokenType::kLeftParen) {
      Unexpected("@", "timestamp");
      return nullptr;
    }
    Take();
    if (Peek().type != TokenType::kRightParen) {
      Unexpected("@", "timestamp");
      return nullptr;
    }
    Token rparen = Take();
    SetAtPreprocessor(*e, t.type == TokenType::kStart ? StartOrEnd::kStart : StartOrEnd::kEnd,
                      rparen.end());
    return e;
  }
  bool negative = false;
  if (t.type == TokenType::kAdd || t.type == TokenType::kSub) {
    Take();
    negative = t.type == TokenType::kSub;
  }
  if (Peek().type != TokenType::kNumber) {
    Unexpected("@", "timestamp");
    return nullptr;
  }
  Token n = Take();
  double ts = NumberValue(n);
  SetTimestamp(*e, negative ? -ts : ts, n.end());
  return e;
}

}  // namespace internal

std::string ParseError::ToString(std::string_view query) const {
  int32_t pos = position_range.start;
  std::string position;
  if (pos < 0 || pos > static_cast<int32_t>(query.size())) {
    position = "invalid position:";
  } else {
    int line = 1;
    int32_t last_line_break = -1;
    for (int32_t i = 0; i < pos; i++) {
      if (query[static_cast<size_t>(i)] == '\n') {
        last_line_break = i;
        line++;
      }
    }
    position = StrCat(line, ":", pos - last_line_break, ":");
  }
  return StrCat(position, " parse error: ", message);
}

namespace {

absl::Status ToStatus(std::string_view input, const std::vector<ParseError>& errors,
                      std::vector<ParseError>* out) {
  if (out != nullptr) *out = errors;
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(errors.front().ToString(input));
}

}  // namespace

absl::StatusOr<ExprPtr> ParseExpr(std::string_view query, std::vector<ParseError>* errors) {
  internal::Parser p(query);
  ExprPtr e = p.ParseQuery();
  // Type checks only run on syntactically valid queries.
  if (p.errors().empty() && e != nullptr) p.Check(*e);
  RETURN_IF_ERROR(ToStatus(query, p.errors(), errors));
  return e;
}

absl::StatusOr<std::vector<labels::Matcher>> ParseMetricSelector(std::string_view input,
                                                                 std::vector<ParseError>* errors) {
  internal::Parser p(input);
  ExprPtr e = p.ParseSelectorOnly();
  RETURN_IF_ERROR(ToStatus(input, p.errors(), errors));
  return std::move(e->As<VectorSelector>().matchers);
}

}  // namespace strata::promql::parser
