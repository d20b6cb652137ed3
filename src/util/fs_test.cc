#include "util/fs.h"

#include <cerrno>

#include "gtest/gtest.h"
#include "util/fault_fs.h"
#include "util/testing.h"

namespace strata {
namespace {

class FsTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  Fs* fs_ = DefaultFs();
};

TEST_F(FsTest, WriteReadMapListRemove) {
  const std::string p = dir_.Join("a/b/file");
  ASSERT_TRUE(fs_->CreateDirs(dir_.Join("a/b")).ok());
  auto f = fs_->NewWritableFile(p);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append("hello ").ok());
  ASSERT_TRUE((*f)->Append(std::string(100000, 'x')).ok());  // larger than the buffer
  ASSERT_TRUE((*f)->Sync().ok());
  EXPECT_EQ((*f)->size(), 100006u);
  ASSERT_TRUE((*f)->Close().ok());

  auto data = fs_->ReadFile(p);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->size(), 100006u);
  EXPECT_EQ(data->substr(0, 7), "hello x");
  auto region = fs_->MapFile(p);
  ASSERT_TRUE(region.ok());
  EXPECT_EQ((*region)->data(), *data);

  auto names = fs_->ListDir(dir_.Join("a/b"));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"file"});
  ASSERT_TRUE(fs_->RemoveAll(dir_.Join("a")).ok());
  EXPECT_FALSE(fs_->Exists(p));
  EXPECT_TRUE(absl::IsNotFound(fs_->ReadFile(p).status()));
}

TEST_F(FsTest, AppendableFileContinuesAtEnd) {
  const std::string p = dir_.Join("log");
  {
    auto f = fs_->NewWritableFile(p);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("abc").ok());
  }
  auto f = fs_->NewAppendableFile(p);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->size(), 3u);
  ASSERT_TRUE((*f)->Append("def").ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(*fs_->ReadFile(p), "abcdef");
}

TEST_F(FsTest, WriteFileAtomicallyReplacesWholeFile) {
  const std::string p = dir_.Join("meta.json");
  ASSERT_TRUE(WriteFileAtomically(fs_, p, "old").ok());
  ASSERT_TRUE(WriteFileAtomically(fs_, p, "new content").ok());
  EXPECT_EQ(*fs_->ReadFile(p), "new content");
  EXPECT_FALSE(fs_->Exists(p + ".tmp"));
}

TEST_F(FsTest, WriteFileAtomicallyKeepsOldContentWhenSyncFails) {
  FaultInjectionFs faulty(fs_);
  const std::string p = dir_.Join("meta.json");
  ASSERT_TRUE(WriteFileAtomically(&faulty, p, "old").ok());
  faulty.InjectError(FsOp::kSync, "meta.json", absl::InternalError("injected fsync failure"));
  absl::Status s = WriteFileAtomically(&faulty, p, "new");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("injected"), std::string::npos);
  EXPECT_EQ(*fs_->ReadFile(p), "old");
  EXPECT_FALSE(fs_->Exists(p + ".tmp"));
  // The fault was used up: the next write succeeds.
  EXPECT_TRUE(WriteFileAtomically(&faulty, p, "new").ok());
  EXPECT_EQ(*fs_->ReadFile(p), "new");
}

TEST_F(FsTest, SpaceLimitGivesShortWriteAndResourceExhausted) {
  FaultInjectionFs faulty(fs_);
  const std::string p = dir_.Join("seg");
  auto f = faulty.NewWritableFile(p);
  ASSERT_TRUE(f.ok());
  faulty.SetSpaceLimit(5);
  ASSERT_TRUE((*f)->Append("abc").ok());
  absl::Status s = (*f)->Append("defgh");
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_NE(s.message().find("No space left"), std::string::npos) << s;
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(*fs_->ReadFile(p), "abcde");  // the short write landed
  faulty.ClearFaults();
  auto g = faulty.NewAppendableFile(p);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE((*g)->Append("more").ok());
}

TEST_F(FsTest, DropUnsyncedDataCutsFilesBackToLastSync) {
  FaultInjectionFs faulty(fs_);
  ASSERT_TRUE(faulty.CreateDirs(dir_.Join("d.tmp")).ok());
  auto f = faulty.NewWritableFile(dir_.Join("d.tmp/wal"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("synced|").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append("lost").ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(faulty.Rename(dir_.Join("d.tmp"), dir_.Join("d")).ok());
  auto never = faulty.NewWritableFile(dir_.Join("never-synced"));
  ASSERT_TRUE((*never)->Append("gone").ok());
  ASSERT_TRUE((*never)->Close().ok());

  ASSERT_TRUE(faulty.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_->ReadFile(dir_.Join("d/wal")), "synced|");
  EXPECT_EQ(*fs_->ReadFile(dir_.Join("never-synced")), "");
}

TEST_F(FsTest, InjectedErrorsMatchOpAndPathAndCount) {
  FaultInjectionFs faulty(fs_);
  faulty.InjectError(FsOp::kRename, "blockA", absl::InternalError("boom"), 2);
  ASSERT_TRUE(faulty.CreateDirs(dir_.Join("blockA")).ok());
  ASSERT_TRUE(faulty.CreateDirs(dir_.Join("blockB")).ok());
  EXPECT_TRUE(faulty.Rename(dir_.Join("blockB"), dir_.Join("blockC")).ok());
  EXPECT_FALSE(faulty.Rename(dir_.Join("blockA"), dir_.Join("x")).ok());
  EXPECT_FALSE(faulty.Rename(dir_.Join("blockA"), dir_.Join("x")).ok());
  EXPECT_TRUE(faulty.Rename(dir_.Join("blockA"), dir_.Join("x")).ok());
  EXPECT_EQ(faulty.faults_injected(), 2);
}

TEST(ErrnoToStatusTest, MapsCodes) {
  EXPECT_TRUE(absl::IsNotFound(ErrnoToStatus(ENOENT, "open", "/x")));
  EXPECT_TRUE(absl::IsResourceExhausted(ErrnoToStatus(ENOSPC, "write", "/x")));
  EXPECT_TRUE(absl::IsInternal(ErrnoToStatus(EIO, "fsync", "/x")));
  EXPECT_NE(ErrnoToStatus(EIO, "fsync", "/x/y").message().find("/x/y"), std::string::npos);
}

TEST(PathTest, JoinAndDirName) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a", "b", "c"), "a/b/c");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(DirName("/c"), "/");
}

}  // namespace
}  // namespace strata
