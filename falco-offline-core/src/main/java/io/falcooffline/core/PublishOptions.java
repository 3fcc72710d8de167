package io.falcooffline.core;

import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.io.SafeText;
import java.util.Optional;

/**
 * Where the rewritten chart is published after a package run, any combination: to the internal registry as a Helm
 * OCI chart, into a Helm repository {@code index.yaml} beside the chart, and into a GitOps repository. Immutable;
 * build with {@link #builder()}.
 */
public final class PublishOptions {

    /** The branch committed to when none is set. */
    public static final String DEFAULT_GIT_BRANCH = "main";

    private final boolean publishChart;
    private final boolean helmRepositoryIndex;
    private final String helmRepositoryUrl;
    private final String gitRepository;
    private final String gitBranch;
    private final String gitPath;
    private final String gitAuthorName;
    private final String gitAuthorEmail;

    private PublishOptions(Builder builder) {
        this.publishChart = builder.publishChart;
        this.helmRepositoryIndex = builder.helmRepositoryIndex;
        this.helmRepositoryUrl = builder.helmRepositoryUrl;
        this.gitRepository = builder.gitRepository;
        this.gitBranch = builder.gitBranch;
        this.gitPath = builder.gitPath;
        this.gitAuthorName = builder.gitAuthorName;
        this.gitAuthorEmail = builder.gitAuthorEmail;
    }

    /** A builder that publishes nothing until told to. */
    public static Builder builder() {
        return new Builder();
    }

    /** Publishes nothing. */
    public static PublishOptions none() {
        return builder().build();
    }

    /**
     * Push the chart as {@code oci://<registry>/<repositoryPrefix>/<name>:<version>}; in bundle mode it goes into the
     * bundle and {@code push} publishes it.
     */
    public boolean publishChart() {
        return publishChart;
    }

    /** Write or update {@code index.yaml} beside the chart in the output directory. */
    public boolean helmRepositoryIndex() {
        return helmRepositoryIndex;
    }

    /** The URL the Helm repository is served from; the index then gives the chart's absolute URL. */
    public Optional<String> helmRepositoryUrl() {
        return Optional.ofNullable(helmRepositoryUrl);
    }

    /** The GitOps repository to commit the unpacked chart, the plan and the lock to, if any. */
    public Optional<String> gitRepository() {
        return Optional.ofNullable(gitRepository);
    }

    /** The branch GitOps commits go to. */
    public String gitBranch() {
        return gitBranch;
    }

    /**
     * The directory inside the GitOps repository that receives the chart, the plan and the lock; empty for a directory
     * named after the chart. Nothing outside it is changed.
     */
    public String gitPath() {
        return gitPath;
    }

    /** The author name of GitOps commits. */
    public String gitAuthorName() {
        return gitAuthorName;
    }

    /** The author e-mail of GitOps commits. */
    public String gitAuthorEmail() {
        return gitAuthorEmail;
    }

    /** Whether anything is published. */
    public boolean any() {
        return publishChart || helmRepositoryIndex || gitRepository != null;
    }

    /** Builds {@link PublishOptions}. */
    public static final class Builder {
        private boolean publishChart;
        private boolean helmRepositoryIndex;
        private String helmRepositoryUrl;
        private String gitRepository;
        private String gitBranch = DEFAULT_GIT_BRANCH;
        private String gitPath = "";
        private String gitAuthorName = "falco-offline";
        private String gitAuthorEmail = "falco-offline@localhost";

        private Builder() {}

        /** Sets {@link PublishOptions#publishChart()}. */
        public Builder publishChart(boolean publishChart) {
            this.publishChart = publishChart;
            return this;
        }

        /** Sets {@link PublishOptions#helmRepositoryIndex()}. */
        public Builder helmRepositoryIndex(boolean helmRepositoryIndex) {
            this.helmRepositoryIndex = helmRepositoryIndex;
            return this;
        }

        /** Sets {@link PublishOptions#helmRepositoryUrl()}; null or blank for none. */
        public Builder helmRepositoryUrl(String helmRepositoryUrl) {
            this.helmRepositoryUrl = blankToNull(helmRepositoryUrl);
            return this;
        }

        /** Sets {@link PublishOptions#gitRepository()}; null or blank for none. */
        public Builder gitRepository(String gitRepository) {
            this.gitRepository = blankToNull(gitRepository);
            return this;
        }

        /** Sets {@link PublishOptions#gitBranch()}. */
        public Builder gitBranch(String gitBranch) {
            this.gitBranch = gitBranch == null || gitBranch.isBlank() ? DEFAULT_GIT_BRANCH : gitBranch.strip();
            return this;
        }

        /** Sets {@link PublishOptions#gitPath()}. */
        public Builder gitPath(String gitPath) {
            this.gitPath = gitPath == null ? "" : gitPath.strip();
            return this;
        }

        /** Sets {@link PublishOptions#gitAuthorName()}. */
        public Builder gitAuthorName(String gitAuthorName) {
            if (gitAuthorName != null && !gitAuthorName.isBlank()) {
                this.gitAuthorName = gitAuthorName.strip();
            }
            return this;
        }

        /** Sets {@link PublishOptions#gitAuthorEmail()}. */
        public Builder gitAuthorEmail(String gitAuthorEmail) {
            if (gitAuthorEmail != null && !gitAuthorEmail.isBlank()) {
                this.gitAuthorEmail = gitAuthorEmail.strip();
            }
            return this;
        }

        /**
         * Checks and freezes the options.
         *
         * @throws InvalidRequestException naming the parameter at fault
         */
        public PublishOptions build() {
            String path = gitPath;
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            while (path.startsWith("/")) {
                path = path.substring(1);
            }
            for (String segment : path.split("/")) {
                if (segment.equals("..") || segment.equals(".") || OutputPaths.isGitDirectoryName(segment)) {
                    throw new InvalidRequestException(
                            "gitPath",
                            "`gitPath` must be a plain directory inside the repository, got '" + gitPath + "'.");
                }
            }
            gitPath = path;
            RegistryParameters.requireNoCredentials("gitRepository", gitRepository);
            RegistryParameters.requireNoQuery("gitRepository", gitRepository);
            RegistryParameters.requireNoCredentials("helmRepositoryUrl", helmRepositoryUrl);
            // git's own rules (check-ref-format), before anything is rendered, so a bad name is not found at the push.
            // Only a GitOps run checks, so that other runs load no git classes.
            if (gitRepository != null
                    && (gitBranch.startsWith("-")
                            || !org.eclipse.jgit.lib.Repository.isValidRefName(
                                    org.eclipse.jgit.lib.Constants.R_HEADS + gitBranch))) {
                throw new InvalidRequestException(
                        "gitBranch",
                        "`gitBranch` " + SafeText.quote(gitBranch) + " is not a git branch name (no spaces, '..', '~',"
                                + " '^', ':', '?', '*', '[', '\\', no '/' at either end): write e.g. main or clusters/lab.");
            }
            if (helmRepositoryUrl != null && !helmRepositoryUrl.matches("(?i)https?://[^\\s?#]+")) {
                throw new InvalidRequestException(
                        "helmRepositoryUrl",
                        "`helmRepositoryUrl` must be the http(s) URL the repository is served from, without a query"
                                + " or fragment (index.yaml records it for every reader), got "
                                + SafeText.quote(helmRepositoryUrl.replaceAll("[?#].*", "?…")) + ".");
            }
            return new PublishOptions(this);
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text.strip();
        }
    }
}
