package io.falcooffline.core.publish;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.io.ScratchDirectory;
import io.falcooffline.core.io.TarEntries;
import io.falcooffline.core.source.GitAccess;
import java.io.ByteArrayInputStream;
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
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * Commits the unpacked rewritten chart, the plan and the lock to a directory of a GitOps repository branch and
 * pushes. The directory ({@code gitPath}, else one named after the chart) is replaced whole, so files the chart no
 * longer has disappear, and nothing outside it is touched; when nothing differs, nothing is committed. The work tree
 * is falco-offline's alone: nothing is written under {@code .git}, no link on the way to the directory is followed,
 * and every fetch and push goes to the {@code gitRepository} URL, never to a remote of the work tree's
 * configuration.
 */
final class GitOpsPublisher {

    private static final int MAX_LISTED = 30;

    /** A directory name no checkout treats specially: no leading '.', so never {@code .git} in any spelling. */
    private static final Pattern PLAIN_DIRECTORY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

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
        requirePlainDirectoryName(chart.name(), url);
        // Without gitPath the chart gets a directory of its own: the rest of the branch belongs to others.
        String gitPath = options.gitPath().isEmpty() ? chart.name() : options.gitPath();
        CredentialsProvider credentials = GitAccess.credentials(url, published.access());
        int timeout = GitAccess.timeoutSeconds(published.access());
        ScratchDirectory scratch = null;
        try {
            // Removed on every exit, a signal included.
            scratch = ScratchDirectory.create("falco-offline-gitops-");
            Path work = scratch.path();
            try (Git git = Git.init()
                    .setDirectory(work.toFile())
                    .setInitialBranch(branch)
                    .call()) {
                // Every transport names the parameter's URL: no remote is read from the work tree's configuration.
                Collection<Ref> remote = git.lsRemote()
                        .setRemote(url)
                        .setTimeout(timeout)
                        .setCredentialsProvider(credentials)
                        .setTransportConfigCallback(GitAccess.transport(published.access()))
                        .setHeads(true)
                        .call();
                boolean branchExists =
                        remote.stream().anyMatch(ref -> ref.getName().equals(Constants.R_HEADS + branch));
                if (branchExists) {
                    String fetched = Constants.R_REMOTES + "origin/" + branch;
                    git.fetch()
                            .setRemote(url)
                            .setTimeout(timeout)
                            .setCredentialsProvider(credentials)
                            .setTransportConfigCallback(GitAccess.transport(published.access()))
                            .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + branch + ":" + fetched))
                            .call();
                    git.reset()
                            .setMode(ResetCommand.ResetType.HARD)
                            .setRef(fetched)
                            .call();
                }
                Path target = OutputPaths.inside(work, gitPath, "GitOps directory `gitPath` of " + url);
                replaceContent(target);
                git.add().addFilepattern(gitPath).call();
                git.add().addFilepattern(gitPath).setUpdate(true).call();
                Status status = git.status().call();
                Set<String> added = new TreeSet<>(status.getAdded());
                Set<String> changed = new TreeSet<>(status.getChanged());
                Set<String> removed = new TreeSet<>(status.getRemoved());
                if (added.isEmpty() && changed.isEmpty() && removed.isEmpty()) {
                    listener.info("GitOps repository " + url + " branch " + branch + " already holds this chart under '"
                            + gitPath + "': nothing to commit.");
                    return Optional.empty();
                }
                PersonIdent author = new PersonIdent(options.gitAuthorName(), options.gitAuthorEmail());
                RevCommit commit = git.commit()
                        .setMessage(message(chart, added, changed, removed))
                        .setAuthor(author)
                        .setCommitter(author)
                        .setNoVerify(true)
                        .call();
                Iterable<PushResult> results = git.push()
                        .setRemote(url)
                        .setTimeout(timeout)
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
                listener.info("Committed " + commit.getName() + " to " + url + " branch " + branch + " under '"
                        + gitPath + "' (" + added.size() + " added, " + changed.size() + " changed, "
                        + removed.size() + " removed).");
                return Optional.of(commit.getName());
            }
        } catch (GitAPIException | JGitInternalException e) {
            throw new FalcoOfflineException(
                    "Publishing to GitOps repository " + url + " branch " + branch + " failed: "
                            + (GitAccess.timedOut(e) ? "no answer within " + timeout + " s" : e.getMessage())
                            + ". Check `gitRepository` and the credentials (a <server> in settings.xml whose"
                            + " id is the host).",
                    e);
        } catch (IOException e) {
            throw new FalcoOfflineException("Publishing to GitOps repository " + url + " failed: " + e.getMessage(), e);
        } finally {
            if (scratch != null) {
                scratch.close();
            }
        }
    }

    /**
     * Refuses a chart name that is not a plain directory name: the chart is unpacked into a directory of that name,
     * and {@code .git} (or any name git or a checkout treats specially) would reach the work repository itself.
     */
    static void requirePlainDirectoryName(String name, String url) {
        if (!PLAIN_DIRECTORY_NAME.matcher(name).matches()) {
            throw new FalcoOfflineException("The chart's name " + SafeText.quote(name) + " is not a plain directory"
                    + " name (letters, digits, '.', '_' and '-', starting with a letter or digit), so it cannot be"
                    + " committed to GitOps repository " + url + ": the chart is unpacked into a directory of that"
                    + " name. Rename the chart in its Chart.yaml.");
        }
    }

    private void replaceContent(Path target) throws IOException {
        // The route to target holds no link (OutputPaths), and the walk below deletes links without following them.
        deleteTree(target);
        Files.createDirectories(target);
        unpack(published.archive(), published.chartFile(), target);
        copyInto(published.planFile(), target);
        // Without mirroring this run wrote no lock: one lying there is from an earlier run.
        Optional<Path> lock = published.mirror().mode() == MirrorMode.NONE
                ? Optional.empty()
                : published.mirror().lockFile().filter(Files::isRegularFile);
        if (lock.isPresent()) {
            copyInto(lock.get(), target);
        }
    }

    private static void copyInto(Path file, Path target) throws IOException {
        Path copy = OutputPaths.inside(target, file.getFileName().toString(), "GitOps file");
        Files.copy(file, copy);
    }

    /**
     * Unpacks a chart archive ({@code content}, written to {@code archive}), every entry a regular file kept inside {@code target}, none under a directory git
     * treats as its own, and the total size bounded.
     */
    private static void unpack(byte[] content, Path archive, Path target) throws IOException {
        long budget = ChartReader.MAX_DECOMPRESSED_BYTES;
        try (InputStream file = new ByteArrayInputStream(content);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (!TarEntries.isRegularFile(entry)) {
                    throw new FalcoOfflineException(
                            archive + " has an entry that is not a regular file: " + SafeText.quote(entry.getName()));
                }
                String name = entry.getName();
                for (String segment : name.split("/")) {
                    if (OutputPaths.isGitDirectoryName(segment)) {
                        throw new FalcoOfflineException(archive + " has an entry under a directory named .git: "
                                + SafeText.quote(name) + "; git treats it as a repository of its own. Remove it.");
                    }
                }
                Path out = OutputPaths.inside(target, name, "chart entry of " + archive.getFileName());
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
