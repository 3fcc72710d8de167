package io.falcooffline.core.publish;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.source.GitAccess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;

/**
 * Commits the unpacked rewritten chart, the plan and the lock to a directory of a GitOps repository branch and
 * pushes. The directory is replaced whole, so files the chart no longer has disappear; when nothing differs, nothing
 * is committed.
 */
final class GitOpsPublisher {

    private static final int MAX_LISTED = 30;

    private final PublishOptions options;
    private final PublishedChart published;
    private final ProgressListener listener;

    GitOpsPublisher(PublishOptions options, PublishedChart published, ProgressListener listener) {
        this.options = options;
        this.published = published;
        this.listener = listener;
    }

    /** @return the commit pushed, or empty when the branch already held exactly this content */
    Optional<String> publish(Chart chart) {
        String url = options.gitRepository().orElseThrow();
        String branch = options.gitBranch();
        CredentialsProvider credentials = GitAccess.credentials(url, published.access());
        Path work = null;
        try {
            work = Files.createTempDirectory("falco-offline-gitops-");
            try (Git git = Git.init()
                    .setDirectory(work.toFile())
                    .setInitialBranch(branch)
                    .call()) {
                git.remoteAdd().setName("origin").setUri(new URIish(url)).call();
                Collection<Ref> remote = git.lsRemote()
                        .setRemote("origin")
                        .setCredentialsProvider(credentials)
                        .setTransportConfigCallback(GitAccess.transport(published.access()))
                        .setHeads(true)
                        .call();
                boolean branchExists =
                        remote.stream().anyMatch(ref -> ref.getName().equals(Constants.R_HEADS + branch));
                if (branchExists) {
                    git.fetch()
                            .setRemote("origin")
                            .setCredentialsProvider(credentials)
                            .setTransportConfigCallback(GitAccess.transport(published.access()))
                            .setRefSpecs(new RefSpec(
                                    "+" + Constants.R_HEADS + branch + ":" + Constants.R_REMOTES + "origin/" + branch))
                            .call();
                    git.reset()
                            .setMode(ResetCommand.ResetType.HARD)
                            .setRef(Constants.R_REMOTES + "origin/" + branch)
                            .call();
                }
                Path target = options.gitPath().isEmpty() ? work : work.resolve(options.gitPath());
                replaceContent(target, work);
                String pattern = options.gitPath().isEmpty() ? "." : options.gitPath();
                git.add().addFilepattern(pattern).call();
                git.add().addFilepattern(pattern).setUpdate(true).call();
                Status status = git.status().call();
                Set<String> added = new TreeSet<>(status.getAdded());
                Set<String> changed = new TreeSet<>(status.getChanged());
                Set<String> removed = new TreeSet<>(status.getRemoved());
                if (added.isEmpty() && changed.isEmpty() && removed.isEmpty()) {
                    listener.info("GitOps repository " + url + " branch " + branch + " already holds this chart under '"
                            + options.gitPath() + "': nothing to commit.");
                    return Optional.empty();
                }
                PersonIdent author = new PersonIdent(options.gitAuthorName(), options.gitAuthorEmail());
                RevCommit commit = git.commit()
                        .setMessage(message(chart, added, changed, removed))
                        .setAuthor(author)
                        .setCommitter(author)
                        .call();
                Iterable<PushResult> results = git.push()
                        .setRemote("origin")
                        .setCredentialsProvider(credentials)
                        .setTransportConfigCallback(GitAccess.transport(published.access()))
                        .setRefSpecs(new RefSpec(Constants.R_HEADS + branch + ":" + Constants.R_HEADS + branch))
                        .call();
                for (PushResult result : results) {
                    for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                        if (update.getStatus() != RemoteRefUpdate.Status.OK
                                && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                            throw new FalcoOfflineException("Pushing to branch " + branch + " of GitOps repository "
                                    + url + " was refused (" + update.getStatus()
                                    + (update.getMessage() == null ? "" : ": " + update.getMessage())
                                    + "). Someone pushed meanwhile or the branch is protected; run again.");
                        }
                    }
                }
                listener.info("Committed " + commit.getName() + " to " + url + " branch " + branch + " (" + added.size()
                        + " added, " + changed.size() + " changed, " + removed.size() + " removed).");
                return Optional.of(commit.getName());
            }
        } catch (GitAPIException | java.net.URISyntaxException e) {
            throw new FalcoOfflineException(
                    "Publishing to GitOps repository " + url + " branch " + branch + " failed: "
                            + e.getMessage()
                            + ". Check `gitRepository` and the credentials (a <server> in settings.xml whose"
                            + " id is the host).",
                    e);
        } catch (IOException e) {
            throw new FalcoOfflineException("Publishing to GitOps repository " + url + " failed: " + e.getMessage(), e);
        } finally {
            try {
                deleteTree(work);
            } catch (IOException e) {
                listener.debug("Could not delete the GitOps work tree " + work + ": " + e.getMessage());
            }
        }
    }

    private void replaceContent(Path target, Path work) throws IOException {
        if (!target.equals(work)) {
            deleteTree(target);
        } else {
            try (Stream<Path> children = Files.list(work)) {
                for (Path child : children.toList()) {
                    if (!child.getFileName().toString().equals(Constants.DOT_GIT)) {
                        deleteTree(child);
                    }
                }
            }
        }
        Files.createDirectories(target);
        unpack(published.chartFile(), target);
        Files.copy(published.planFile(), target.resolve(published.planFile().getFileName()));
        // Without mirroring this run wrote no lock: one lying there is from an earlier run.
        Optional<Path> lock = published.mirror().mode() == MirrorMode.NONE
                ? Optional.empty()
                : published.mirror().lockFile().filter(Files::isRegularFile);
        if (lock.isPresent()) {
            Files.copy(lock.get(), target.resolve(lock.get().getFileName()));
        }
    }

    /** Unpacks a chart archive, every entry kept inside {@code target} and the total size bounded. */
    private static void unpack(Path archive, Path target) throws IOException {
        long budget = ChartReader.MAX_DECOMPRESSED_BYTES;
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new FalcoOfflineException(archive + " has an entry outside the chart: " + entry.getName());
                }
                budget -= entry.getSize();
                if (budget < 0) {
                    throw new FalcoOfflineException(
                            archive + " unpacks to more than " + ChartReader.MAX_DECOMPRESSED_BYTES + " bytes.");
                }
                Files.createDirectories(out.getParent());
                AtomicFiles.write(out, tar::transferTo);
            }
        }
    }

    private String message(Chart chart, Set<String> added, Set<String> changed, Set<String> removed) {
        StringBuilder text = new StringBuilder()
                .append("falco-offline: ")
                .append(chart.name())
                .append(' ')
                .append(chart.version())
                .append(" from ")
                .append(published.source().reference())
                .append("\n\nSource digest: ")
                .append(published.source().digest())
                .append('\n');
        list(text, "Added", added);
        list(text, "Changed", changed);
        list(text, "Removed", removed);
        return text.toString();
    }

    private static void list(StringBuilder text, String heading, Set<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        text.append('\n').append(heading).append(":\n");
        List<String> shown = new ArrayList<>(paths).subList(0, Math.min(MAX_LISTED, paths.size()));
        shown.forEach(path -> text.append("  ").append(path).append('\n'));
        if (paths.size() > MAX_LISTED) {
            text.append("  … and ").append(paths.size() - MAX_LISTED).append(" more\n");
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (directory != null) {
            AtomicFiles.deleteRecursively(directory);
        }
    }
}
