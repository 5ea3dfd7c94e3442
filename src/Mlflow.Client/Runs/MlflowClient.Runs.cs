using System.Globalization;
using Mlflow.Artifacts;
using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// What Python's fluent API and <c>MlflowClient</c> do in several calls: run scopes (<see cref="StartRunAsync"/>),
/// <see cref="GetOrCreateExperimentAsync"/>, <see cref="GetParentRunAsync"/>, <see cref="RegisterModelAsync"/> and
/// <see cref="CopyModelVersionAsync"/>. Hand-written on the Kiota-level client.
/// </summary>
public sealed partial class MlflowClient
{
    /// <summary>How long <see cref="RegisterModelAsync"/> waits for a version to become READY by default (Python: 300 s).</summary>
    public static readonly TimeSpan DefaultAwaitRegistrationFor = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Starts a run and returns its scope (Python: <c>mlflow.start_run</c>):
    /// <c>await using var run = await mlflow.StartRunAsync(experimentId, runName: "train");</c>. The run gets the
    /// context tags MLflow's fluent API sets (<see cref="MlflowRunTags.FromEnvironment"/>: user, source, git commit),
    /// then <paramref name="tags"/>, which win; a nested run gets <c>mlflow.parentRunId</c>.
    /// </summary>
    /// <param name="experimentId">The experiment (<see cref="GetOrCreateExperimentAsync"/> gives one by name).</param>
    /// <param name="runName">The run's name (null: MLflow picks one).</param>
    /// <param name="tags">Tags to set when the run is created.</param>
    /// <param name="parentRunId">The parent of a nested run (it must exist).</param>
    /// <param name="description">The run's description (tag <c>mlflow.note.content</c>).</param>
    /// <param name="logInBackground">
    /// Whether the scope's logging calls default to the background logger (<c>synchronous: false</c>); null: as
    /// <c>MLFLOW_ENABLE_ASYNC_LOGGING</c> (or <c>BackgroundLogging.Enabled</c>) says.
    /// </param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The active run; dispose it to end it FINISHED.</returns>
    /// <exception cref="MlflowNotFoundException">The experiment or the parent run does not exist.</exception>
    public async Task<ActiveRun> StartRunAsync(
        string experimentId, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, string? parentRunId = null,
        string? description = null, bool? logInBackground = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentId);
        if (parentRunId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(parentRunId);
            // As Python checks the parent: a missing one is an error now rather than a dangling tag.
            var parent = await Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = parentRunId, cancellationToken).ConfigureAwait(false);
            if (parent?.Run?.Info?.LifecycleStage == "deleted")
                throw new ArgumentException($"The parent run {parentRunId} is deleted.", nameof(parentRunId));
        }

        var all = new Dictionary<string, string>(MlflowRunTags.FromEnvironment(), StringComparer.Ordinal);
        if (tags is not null) foreach (var (key, value) in tags) all[key] = value ?? throw new ArgumentException($"The value of tag '{key}' is null.", nameof(tags));
        if (parentRunId is not null) all[MlflowRunTags.ParentRunId] = parentRunId;
        if (description is not null) all[MlflowRunTags.Note] = description;
        var truncate = Settings.BackgroundLogging.TruncateLongValues;
        var runTags = new List<RunTag>(all.Count);
        foreach (var (key, value) in all)
        {
            RunLimits.CheckKey(key, "Tag key", nameof(tags));
            runTags.Add(new RunTag(key, RunLimits.CheckValue(value, "Tag value", RunLimits.MaxTagValueLength, truncate, RunsLogger, nameof(tags))));
        }

        var response = await Api.Api.V20.Mlflow.Runs.Create.PostAsync(new CreateRun
        {
            ExperimentId = experimentId,
            RunName = runName,
            StartTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Tags = runTags,
            UserId = all.GetValueOrDefault(MlflowRunTags.User),
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var run = response?.Run ?? throw FacadeSupport.NoAnswer("createRun");
        return new ActiveRun(this, run, parentRunId, logInBackground);
    }

    /// <summary>
    /// Continues an existing run in a scope (Python: <c>mlflow.start_run(run_id=...)</c>): sets it RUNNING again; disposing
    /// the scope ends it FINISHED.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="logInBackground">As for <see cref="StartRunAsync"/>.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The active run.</returns>
    /// <exception cref="MlflowNotFoundException">No such run.</exception>
    public async Task<ActiveRun> ResumeRunAsync(string runId, bool? logInBackground = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var response = await Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = runId, cancellationToken).ConfigureAwait(false);
        var run = response?.Run ?? throw FacadeSupport.NoAnswer("getRun");
        if (run.Info.Status != RunStatus.Running)
            await Api.Api.V20.Mlflow.Runs.Update.PostAsync(new UpdateRun { RunId = runId, Status = RunStatus.Running }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var parent = run.Data?.Tags?.FirstOrDefault(t => t.Key == MlflowRunTags.ParentRunId)?.Value;
        return new ActiveRun(this, run, parent, logInBackground);
    }

    /// <summary>
    /// The experiment with this name, created when there is none (Python: what <c>mlflow.set_experiment(name)</c>
    /// does). Safe under races: when another process creates it first, its experiment is returned.
    /// </summary>
    /// <param name="name">The experiment name.</param>
    /// <param name="artifactLocation">Where a new experiment keeps its artifacts (null: the server's default).</param>
    /// <param name="tags">Tags of a new experiment.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="MlflowException">The experiment exists but is deleted (restore it with <c>RestoreExperimentAsync</c>).</exception>
    public async Task<Experiment> GetOrCreateExperimentAsync(
        string name, string? artifactLocation = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await FindExperimentAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                if (existing.LifecycleStage == "deleted")
                    throw new MlflowException(
                        $"Cannot use the deleted experiment '{name}' (id {existing.ExperimentId}). Restore it with RestoreExperimentAsync, or delete it permanently.",
                        MlflowErrorCode.InvalidParameterValue);
                return existing;
            }
            try
            {
                var created = await Api.Api.V20.Mlflow.Experiments.Create.PostAsync(new CreateExperiment
                {
                    Name = name,
                    ArtifactLocation = artifactLocation,
                    Tags = tags is null ? [] : FacadeSupport.Tags(tags, (k, v) => new ExperimentTag(k, v)),
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                var id = created?.ExperimentId ?? throw FacadeSupport.NoAnswer("createExperiment");
                var experiment = await Api.Api.V20.Mlflow.Experiments.Get.GetAsync(c => c.QueryParameters.ExperimentId = id, cancellationToken).ConfigureAwait(false);
                return experiment?.Experiment ?? throw FacadeSupport.NoAnswer("getExperiment");
            }
            catch (MlflowException e) when (attempt < 3 && (e is MlflowAlreadyExistsException || e.ErrorCode == MlflowErrorCode.ResourceAlreadyExists))
            {
                // Someone else created it between our lookup and our create: read theirs.
            }
        }
    }

    private async Task<Experiment?> FindExperimentAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Api.Api.V20.Mlflow.Experiments.GetByName.GetAsync(c => c.QueryParameters.ExperimentName = name, cancellationToken).ConfigureAwait(false);
            return response?.Experiment;
        }
        catch (MlflowException e) when (e is MlflowNotFoundException || e.ErrorCode == MlflowErrorCode.ResourceDoesNotExist)
        {
            return null;
        }
    }

    /// <summary>The parent of a nested run (Python: <c>get_parent_run</c>), or null when the run has none.</summary>
    /// <param name="runId">The child run.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The parent run, or null.</returns>
    /// <exception cref="MlflowNotFoundException">No run <paramref name="runId"/>, or its parent no longer exists.</exception>
    public async Task<Run?> GetParentRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var child = await Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = runId, cancellationToken).ConfigureAwait(false);
        var parentId = child?.Run?.Data?.Tags?.FirstOrDefault(t => t.Key == MlflowRunTags.ParentRunId)?.Value;
        if (string.IsNullOrEmpty(parentId)) return null;
        var parent = await Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = parentId, cancellationToken).ConfigureAwait(false);
        return parent?.Run ?? throw FacadeSupport.NoAnswer("getRun");
    }

    /// <summary>
    /// Registers a model under a name (Python: <c>mlflow.register_model(model_uri, name)</c>): creates the
    /// registered model when missing, resolves the URI to the version's source (<c>runs:/&lt;run&gt;/path</c>: the
    /// run's artifact location; <c>models:/&lt;model_id&gt;</c>: the logged model; <c>models:/name/version</c>,
    /// <c>@alias</c>, stage or <c>latest</c>: that version's files; anything else as given), creates the version and
    /// waits until it is READY.
    /// </summary>
    /// <param name="modelUri">The model's URI.</param>
    /// <param name="name">The registered model's name.</param>
    /// <param name="tags">Tags of the new version.</param>
    /// <param name="awaitReadyFor">How long to wait for READY (null: 300 s; <see cref="TimeSpan.Zero"/>: do not wait).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The new version (READY unless not waited for).</returns>
    /// <exception cref="MlflowException">The registration failed (<c>FAILED_REGISTRATION</c>, with the server's status message) or did not finish in time.</exception>
    public async Task<ModelVersion> RegisterModelAsync(
        string modelUri, string name, IReadOnlyDictionary<string, string>? tags = null, TimeSpan? awaitReadyFor = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var wait = awaitReadyFor ?? DefaultAwaitRegistrationFor;
        if (wait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(awaitReadyFor), awaitReadyFor, "The wait cannot be negative.");

        string source = modelUri;
        string? runId = null;
        string? modelId = null;
        if (ArtifactUri.TryParse(modelUri, out var uri))
        {
            switch (uri.Kind)
            {
                case ArtifactUriKind.Run:
                    runId = uri.RunId!;
                    source = JoinUri(await GetRunArtifactUriAsync(runId, cancellationToken).ConfigureAwait(false), uri.Path);
                    break;
                case ArtifactUriKind.LoggedModel:
                {
                    modelId = uri.ModelId!;
                    var model = await Api.Api.V20.Mlflow.LoggedModels[modelId].GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    var info = model?.Model?.Info ?? throw FacadeSupport.NoAnswer("getLoggedModel");
                    source = modelUri;
                    runId = string.IsNullOrEmpty(info.SourceRunId) ? null : info.SourceRunId;
                    break;
                }
                case ArtifactUriKind.RegisteredModel:
                {
                    var version = await ResolveModelVersionAsync(uri, cancellationToken).ConfigureAwait(false);
                    source = JoinUri(await GetModelVersionArtifactUriAsync(uri, cancellationToken).ConfigureAwait(false), uri.Path);
                    runId = string.IsNullOrEmpty(version.RunId) ? null : version.RunId;
                    modelId = version.ModelId;
                    break;
                }
            }
        }

        await EnsureRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
        var created = await Api.Api.V20.Mlflow.ModelVersions.Create.PostAsync(new CreateModelVersion
        {
            Name = name,
            Source = source,
            RunId = runId,
            ModelId = modelId,
            Tags = tags is null ? [] : FacadeSupport.Tags(tags, (k, v) => new ModelVersionTag(k, v)),
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var mv = created?.ModelVersion ?? throw FacadeSupport.NoAnswer("createModelVersion");
        return await AwaitReadyAsync(mv, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies a registered model version into another registered model (Python: <c>copy_model_version</c>), created
    /// when missing. The copy's source is <c>models:/&lt;name&gt;/&lt;version&gt;</c> of the original; its run, run
    /// link, description, tags and logged model are the original's.
    /// </summary>
    /// <param name="srcModelUri">The version to copy: <c>models:/name/version</c>, <c>models:/name@alias</c>, a stage or <c>latest</c>.</param>
    /// <param name="dstName">The registered model to copy it into.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">The URI is not a <c>models:/</c> URI of a registered model version.</exception>
    public async Task<ModelVersion> CopyModelVersionAsync(string srcModelUri, string dstName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(srcModelUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(dstName);
        if (!ArtifactUri.TryParse(srcModelUri, out var uri) || uri.Kind != ArtifactUriKind.RegisteredModel)
            throw new ArgumentException($"Unsupported source model URI: '{srcModelUri}'. CopyModelVersionAsync copies registered model versions given as 'models:/<name>/<version>' (or @alias, a stage, latest).", nameof(srcModelUri));
        ModelVersion source;
        try
        {
            source = await ResolveModelVersionAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException e) when (e is not MlflowTransportException)
        {
            throw new MlflowException($"Failed to fetch the source model version from URI '{srcModelUri}': {e.Message}", e.ErrorCode, e);
        }

        await EnsureRegisteredModelAsync(dstName, cancellationToken).ConfigureAwait(false);
        var created = await Api.Api.V20.Mlflow.ModelVersions.Create.PostAsync(new CreateModelVersion
        {
            Name = dstName,
            Source = $"models:/{source.Name}/{source.Version}",
            RunId = string.IsNullOrEmpty(source.RunId) ? null : source.RunId,
            RunLink = string.IsNullOrEmpty(source.RunLink) ? null : source.RunLink,
            Description = string.IsNullOrEmpty(source.Description) ? null : source.Description,
            ModelId = source.ModelId,
            Tags = source.Tags.Select(t => new ModelVersionTag(t.Key, t.Value)).ToList(),
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return created?.ModelVersion ?? throw FacadeSupport.NoAnswer("createModelVersion");
    }

    private async Task EnsureRegisteredModelAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Api.Api.V20.Mlflow.RegisteredModels.Create.PostAsync(new CreateRegisteredModel { Name = name }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MlflowException e) when (e is MlflowAlreadyExistsException || e.ErrorCode == MlflowErrorCode.ResourceAlreadyExists)
        {
            // Registering a new version of an existing model.
        }
    }

    /// <summary>The version a registered-model URI names (explicit, alias, stage or latest).</summary>
    private async Task<ModelVersion> ResolveModelVersionAsync(ArtifactUri uri, CancellationToken cancellationToken)
    {
        var name = uri.ModelName!;
        if (uri.ModelAlias is { } alias)
        {
            var byAlias = await Api.Api.V20.Mlflow.RegisteredModels.Alias.GetAsync(c => { c.QueryParameters.Name = name; c.QueryParameters.Alias = alias; }, cancellationToken).ConfigureAwait(false);
            return byAlias?.ModelVersion ?? throw FacadeSupport.NoAnswer("getModelVersionByAlias");
        }
        var version = uri.ModelVersion;
        if (version is null)
        {
            var request = new GetLatestVersions { Name = name };
            if (uri.ModelStage is { } stage) request.Stages = [stage];
            var latest = await Api.Api.V20.Mlflow.RegisteredModels.GetLatestVersions.PostAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            var best = (latest?.ModelVersions ?? []).MaxBy(v => long.TryParse(v.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1);
            if (best is null)
            {
                var stageText = uri.ModelStage is { } s ? $" and stage '{s}'" : "";
                throw new MlflowException($"No versions of model with name '{name}'{stageText} found.", MlflowErrorCode.ResourceDoesNotExist);
            }
            return best;
        }
        var got = await Api.Api.V20.Mlflow.ModelVersions.Get.GetAsync(c => { c.QueryParameters.Name = name; c.QueryParameters.Version = version; }, cancellationToken).ConfigureAwait(false);
        return got?.ModelVersion ?? throw FacadeSupport.NoAnswer("getModelVersion");
    }

    private async Task<ModelVersion> AwaitReadyAsync(ModelVersion version, TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            switch (version.Status)
            {
                case ModelVersionStatus.Ready:
                    return version;
                case ModelVersionStatus.FailedRegistration:
                    throw new MlflowException(
                        $"Model version {version.Version} of '{version.Name}' failed to register (FAILED_REGISTRATION): {version.StatusMessage ?? "no status message"}",
                        MlflowErrorCode.InternalError);
            }
            if (wait == TimeSpan.Zero) return version;
            var elapsed = TimeProvider.System.GetElapsedTime(started);
            if (elapsed >= wait)
                throw new MlflowException(
                    $"Model version {version.Version} of '{version.Name}' was still {version.Status} after {wait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (awaitReadyFor).",
                    MlflowErrorCode.DeadlineExceeded);
            await Task.Delay(delay < wait - elapsed ? delay : wait - elapsed, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            var name = version.Name;
            var number = version.Version;
            var got = await Api.Api.V20.Mlflow.ModelVersions.Get.GetAsync(c => { c.QueryParameters.Name = name; c.QueryParameters.Version = number; }, cancellationToken).ConfigureAwait(false);
            version = got?.ModelVersion ?? throw FacadeSupport.NoAnswer("getModelVersion");
        }
    }

    private static string JoinUri(string root, string path) =>
        string.IsNullOrEmpty(path) ? root : root.TrimEnd('/') + "/" + path.TrimStart('/');
}
