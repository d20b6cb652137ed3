#include "distributor/tenant_id.h"

#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace strata::distributor {
namespace {

TEST(ValidateTenantIdTest, AcceptsCortexCharacterSet) {
  for (std::string_view id : {"a", "tenant-1", "Team_A.prod", "!-_.*'()", "0", "...", ".a", "a..",
                              "__markers", "user-index.json"}) {
    SCOPED_TRACE(std::string(id));
    EXPECT_TRUE(ValidateTenantId(id).ok());
  }
  EXPECT_TRUE(ValidateTenantId(std::string(150, 'a')).ok());
}

struct BadCase {
  std::string name;
  std::string id;
  std::string message;
};

TEST(ValidateTenantIdTest, RejectsWithCortexMessages) {
  // The unsupported-character messages were printed by Go's fmt with Cortex's format string.
  const BadCase cases[] = {
      {"too long", std::string(151, 'a'), "tenant ID is too long: max 150 characters"},
      {"1 KiB", std::string(1024, 'x'), "tenant ID is too long: max 150 characters"},
      {"dot", ".", "tenant ID is '.' or '..'"},
      {"dot dot", "..", "tenant ID is '.' or '..'"},
      {"markers", "__markers__", "tenant ID '__markers__' is not allowed"},
      {"user index", "user-index.json.gz", "tenant ID 'user-index.json.gz' is not allowed"},
      {"path", "../x", "tenant ID '../x' contains unsupported character '/'"},
      {"slash", "a/b", "tenant ID 'a/b' contains unsupported character '/'"},
      {"backslash", "a\\b", "tenant ID 'a\\b' contains unsupported character '\\'"},
      {"pipe", "a|b", "tenant ID 'a|b' contains unsupported character '|'"},
      {"space", " ", "tenant ID ' ' contains unsupported character ' '"},
      {"plus", "a+b", "tenant ID 'a+b' contains unsupported character '+'"},
      // Go prints the offending rune's first byte as a code point: C3 -> U+00C3 'Ã'.
      {"latin", "caf\303\251", "tenant ID 'caf\303\251' contains unsupported character '\303\203'"},
      {"cjk", "\346\227\245\346\234\254",
       "tenant ID '\346\227\245\346\234\254' contains unsupported character '\303\246'"},
      {"invalid utf8", "x\377y", "tenant ID 'x\377y' contains unsupported character '\303\277'"},
      {"nul", std::string("a\0b", 3),
       std::string("tenant ID 'a\0b' contains unsupported "
                   "character '\0'",
                   50)},
      // The character check runs first: a long ID with a bad character names the character.
      {"long and bad", std::string(200, 'a') + "/",
       "tenant ID '" + std::string(200, 'a') + "/' contains unsupported character '/'"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Status s = ValidateTenantId(c.id);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(s.message()), c.message);
  }
}

TEST(TenantFromHeaderTest, AuthEnabled) {
  auto ok = TenantFromHeader("team-a", true);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "team-a");

  for (std::optional<std::string_view> missing :
       {std::optional<std::string_view>(), std::optional<std::string_view>("")}) {
    auto r = TenantFromHeader(missing, true);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(std::string(r.status().message()), "no org id");
  }

  auto bad = TenantFromHeader("..", true);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(bad.status().message()), "tenant ID is '.' or '..'");

  // Multi-tenant IDs are for queries; a push names one tenant.
  auto multi = TenantFromHeader("a|b", true);
  EXPECT_EQ(std::string(multi.status().message()),
            "tenant ID 'a|b' contains unsupported character '|'");
}

TEST(TenantFromHeaderTest, AuthDisabledIsAlwaysFake) {
  for (std::optional<std::string_view> h :
       {std::optional<std::string_view>(), std::optional<std::string_view>(""),
        std::optional<std::string_view>("team-a"), std::optional<std::string_view>("..")}) {
    auto r = TenantFromHeader(h, false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "fake");
  }
}

}  // namespace
}  // namespace strata::distributor
