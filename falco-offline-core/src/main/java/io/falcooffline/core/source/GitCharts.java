package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.oci.registry.RegistryAccess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * Fetches a commit of a git repository into the cache (shallow for a tag or branch, where the transport allows) and
 * exports a directory of its tree.
 */
final class GitCharts {

    /** The most files a chart directory of a git tree may hold. */
    static final int MAX_FILES = 10_000;

    private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-f]{7,40}");

    private final ChartCache cache;
    private final RegistryAccess access;
    private final ProgressListener listener;

    GitCharts(ChartCache cache, RegistryAccess access, ProgressListener listener) {
        this.cache = cache;
        this.access = access;
        this.listener = listener;
    }

    /** Fetches the ref (unless offline) and opens the cached repository at its commit. */
    Fetched fetch(String url, String ref) {
        Path directory = cache.gitDirectory(url);
        try {
            if (!access.offline()) {
                try {
                    fetchRemote(url, ref, directory);
                } catch (TransportException e) {
                    if (isMissingRef(e)) {
                        throw missingRef(url, ref, List.of());
                    }
                    if (!Files.isDirectory(directory)) {
                        throw new SourceUnreachableException(
                                "Cannot fetch " + ref + " from git repository " + url + " (" + why(e)
                                        + ") and the chart cache " + cache.root() + " holds nothing of it. Check the"
                                        + " URL and the credentials (a <server> in settings.xml whose id is the host).",
                                e);
                    }
                    listener.warn("Cannot fetch from git repository " + url + " (" + why(e)
                            + "); using the copy in the chart cache.");
                }
            } else if (!Files.isDirectory(directory)) {
                throw new SourceUnreachableException(
                        "Offline, and the chart cache " + cache.root() + " holds no copy of git repository " + url
                                + ": run once online to fetch " + ref + ".",
                        null);
            }
            Repository repository = Git.open(directory.toFile()).getRepository();
            ObjectId commit =
                    resolveLocal(repository, ref).orElseThrow(() -> missingRef(url, ref, localRefNames(repository)));
            return new Fetched(repository, commit);
        } catch (IOException | GitAPIException | JGitInternalException e) {
            throw new ChartSourceException(
                    "Reading git repository " + url + " failed: " + e.getMessage()
                            + ". Check `chartGitRepository` and the credentials (a <server> in settings.xml whose id is the"
                            + " host).",
                    e);
        }
    }

    private void fetchRemote(String url, String ref, Path directory) throws GitAPIException, IOException {
        Files.createDirectories(directory.getParent());
        boolean created = !Files.isDirectory(directory);
        // The refs are listed from the cache repository: JGit's dumb HTTP transport needs a local repository even to
        // list them (Git.lsRemoteRepository() has none and fails with a NullPointerException there).
        Git git = created
                ? Git.init().setBare(true).setDirectory(directory.toFile()).call()
                : Git.open(directory.toFile());
        try (git) {
            fetchInto(git, url, ref);
        } catch (GitAPIException | RuntimeException e) {
            if (created) {
                deleteQuietly(directory);
            }
            throw e;
        }
    }

    private void fetchInto(Git git, String url, String ref) throws GitAPIException {
        Collection<Ref> remote = git.lsRemote()
                .setRemote(url)
                .setTimeout(GitAccess.timeoutSeconds(access))
                .setCredentialsProvider(credentials(url))
                .setTransportConfigCallback(GitAccess.transport(access))
                .setHeads(true)
                .setTags(true)
                .call();
        // A tag wins over a branch of the same name, as git's own lookup order has it.
        Optional<String> remoteName = Stream.of(Constants.R_TAGS + ref, Constants.R_HEADS + ref)
                .filter(name ->
                        remote.stream().anyMatch(found -> found.getName().equals(name)))
                .findFirst();
        boolean commitId = COMMIT_ID.matcher(ref.toLowerCase(Locale.ROOT)).matches();
        if (remoteName.isEmpty() && !commitId) {
            throw missingRef(
                    url, ref, remote.stream().map(Ref::getName).sorted().toList());
        }
        FetchCommand fetch = git.fetch()
                .setRemote(url)
                .setTimeout(GitAccess.timeoutSeconds(access))
                .setCredentialsProvider(credentials(url))
                .setTransportConfigCallback(GitAccess.transport(access));
        if (remoteName.isPresent()) {
            String name = remoteName.get();
            fetch.setRefSpecs(new RefSpec("+" + name + ":" + name)).setDepth(1);
            listener.info("Fetching " + name + " of " + url + " (shallow).");
        } else {
            // A commit id: fetch all branches and tags, since servers need not serve an arbitrary commit.
            fetch.setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"));
            listener.info("Fetching the branches and tags of " + url + " to find commit " + ref + ".");
        }
        fetch.call();
    }

    private static void deleteQuietly(Path directory) {
        try {
            AtomicFiles.deleteRecursively(directory);
        } catch (IOException e) {
            // An empty leftover repository is fetched into next time.
        }
    }

    private static Optional<ObjectId> resolveLocal(Repository repository, String ref) throws IOException {
        for (String candidate : List.of(Constants.R_TAGS + ref, Constants.R_HEADS + ref)) {
            Ref found = repository.exactRef(candidate);
            if (found != null) {
                return Optional.of(peel(repository, found.getObjectId()));
            }
        }
        if (COMMIT_ID.matcher(ref.toLowerCase(Locale.ROOT)).matches()) {
            try {
                ObjectId id = repository.resolve(ref + "^{commit}");
                return Optional.ofNullable(id);
            } catch (MissingObjectException | org.eclipse.jgit.errors.AmbiguousObjectException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static ObjectId peel(Repository repository, ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(id);
            return commit.getId();
        }
    }

    private static List<String> localRefNames(Repository repository) {
        try {
            return repository.getRefDatabase().getRefs().stream()
                    .map(Ref::getName)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Writes the files under {@code treePath} of a commit to {@code target}. Symbolic links and submodules are left
     * out, as {@code helm package} leaves out what it cannot read.
     *
     * @return whether the commit has anything under the path
     */
    static boolean export(Fetched fetched, String treePath, Path target, String what) throws IOException {
        Repository repository = fetched.repository();
        long budget = ChartReader.MAX_DECOMPRESSED_BYTES;
        int files = 0;
        try (RevWalk walk = new RevWalk(repository);
                TreeWalk tree = new TreeWalk(repository)) {
            RevCommit commit = walk.parseCommit(fetched.commit());
            // Files get the commit's time, so that the same commit gives the same archive entries.
            FileTime commitTime = FileTime.from(Instant.ofEpochSecond(commit.getCommitTime()));
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            if (!treePath.isEmpty()) {
                tree.setFilter(PathFilter.create(treePath));
            }
            String prefix = treePath.isEmpty() ? "" : treePath + "/";
            while (tree.next()) {
                String path = tree.getPathString();
                if (!path.startsWith(prefix)
                        || tree.getFileMode(0) == FileMode.SYMLINK
                        || tree.getFileMode(0) == FileMode.GITLINK) {
                    continue;
                }
                if (++files > MAX_FILES) {
                    throw new ChartSourceException(what + " holds more than " + MAX_FILES
                            + " files; this is not a chart" + " directory. Check `chartGitPath`.");
                }
                ObjectLoader loader = repository.open(tree.getObjectId(0));
                budget -= loader.getSize();
                if (budget < 0) {
                    throw new ChartSourceException(what + " holds more than " + ChartReader.MAX_DECOMPRESSED_BYTES
                            + " bytes; this is not a chart directory. Check `chartGitPath`.");
                }
                Path file = target.resolve(path.substring(prefix.length())).normalize();
                if (!file.startsWith(target)) {
                    throw new ChartSourceException(what + " has a file outside its directory: " + path);
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = loader.openStream()) {
                    Files.copy(in, file);
                }
                Files.setLastModifiedTime(file, commitTime);
            }
        }
        return files > 0;
    }

    private CredentialsProvider credentials(String url) {
        return GitAccess.credentials(url, access);
    }

    /** The failure in the user's terms: a time-out names the deadline, anything else is JGit's message. */
    private String why(TransportException e) {
        return GitAccess.timedOut(e)
                ? "timed out: no answer within " + GitAccess.timeoutSeconds(access) + " s"
                : e.getMessage();
    }

    private static boolean isMissingRef(TransportException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("not available for fetch") || message.contains("want ");
    }

    private static ChartSourceException missingRef(String url, String ref, List<String> existing) {
        List<String> shown = new ArrayList<>(existing.stream()
                .filter(name -> name.startsWith(Constants.R_TAGS) || name.startsWith(Constants.R_HEADS))
                .map(Repository::shortenRefName)
                .limit(20)
                .toList());
        return new ChartSourceException("Git repository " + url + " has no tag, branch or commit '" + ref + "'"
                + (shown.isEmpty()
                        ? ""
                        : " (it has " + String.join(", ", shown) + (existing.size() > 20 ? ", …" : "") + ")")
                + ". Fix `chartGitRef`.");
    }

    /** A commit of a repository in the cache. */
    record Fetched(Repository repository, ObjectId commit) implements AutoCloseable {
        @Override
        public void close() {
            repository.close();
        }
    }
}
