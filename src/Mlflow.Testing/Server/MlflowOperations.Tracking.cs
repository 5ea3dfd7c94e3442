namespace Mlflow.Testing.Server;

/// <summary>Tracking: experiments, runs, params, metrics, tags, log-batch, inputs and outputs, metric history.</summary>
internal sealed partial class MlflowOperations
{
    private const int MaxSearchResults = 50000;
    private const int MaxHistoryResults = 25000;

    private static readonly string[] Adjectives = ["bright", "calm", "clever", "eager", "gentle", "honest", "likeable", "lucky", "merciful", "nimble", "polite", "quiet", "rare", "shy", "vaunted", "witty"];
    private static readonly string[] Nouns = ["ant", "bass", "cat", "colt", "crab", "doe", "fish", "fox", "gull", "hare", "lark", "moth", "owl", "ram", "seal", "wren"];

    private DocumentSet<ExperimentEntity> Experiments => state.Documents<ExperimentEntity>("experiment", e => e.Id);

    private DocumentSet<RunEntity> Runs => state.Documents<RunEntity>("run", r => r.Id, runs =>
        state.Rows<MetricPoint>("metric", (owner, point) => runs.Find(owner)?.Series(point.Key).Add(point)));

    /// <summary>The metric rows; the runs are loaded first, since loading them is what reads the stored rows.</summary>
    private RowLog<MetricPoint> MetricRows
    {
        get
        {
            _ = Runs;
            return state.Rows<MetricPoint>("metric");
        }
    }

    private void EnsureDefaultExperiment()
    {
        if (Experiments.Contains("0")) return;
        var now = Now();
        Experiments.Add(new ExperimentEntity { Id = "0", Name = "Default", ArtifactLocation = DefaultArtifactLocation("0"), CreationTime = now, LastUpdateTime = now });
    }

    // ---------------------------------------------------------------- experiments

    public override Task<ActionResult<G.CreateExperimentResponse>> CreateExperimentAsync(G.CreateExperiment body)
    {
        var name = Validation.Length(MlflowError.Required(body.Name, "name"), "name", Validation.MaxExperimentNameLength);
        if (body.Artifact_location is { } location && location.StartsWith("runs:", StringComparison.Ordinal))
            throw MlflowError.InvalidParameter($"Artifact location cannot be a runs:/ URI. Given: '{location}'");
        var tags = ExperimentTags(body.Tags);
        return Write(() =>
        {
            if (Experiments.Values.Any(e => e.Name == name)) throw MlflowError.AlreadyExists($"Experiment(name={name}) already exists.");
            var id = (Experiments.Values.Select(e => long.Parse(e.Id, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() + 1).ToString(CultureInfo.InvariantCulture);
            var now = Now();
            var experiment = new ExperimentEntity
            {
                Id = id,
                Name = name,
                ArtifactLocation = string.IsNullOrEmpty(body.Artifact_location) ? DefaultArtifactLocation(id) : body.Artifact_location,
                CreationTime = now,
                LastUpdateTime = now,
            };
            foreach (var (key, value) in tags) experiment.Tags.Set(key, value);
            Experiments.Add(experiment);
            return new G.CreateExperimentResponse { Experiment_id = id };
        });
    }

    public override Task<ActionResult<G.GetExperimentResponse>> GetExperimentAsync(string experiment_id) =>
        Read(() => new G.GetExperimentResponse { Experiment = ToDto(FindExperiment(experiment_id)) });

    public override Task<ActionResult<G.GetExperimentByNameResponse>> GetExperimentByNameAsync(string experiment_name) => Read(() =>
    {
        var experiment = Experiments.Values.FirstOrDefault(e => e.Name == experiment_name)
            ?? throw MlflowError.NotFound($"Could not find experiment with name '{experiment_name}'");
        return new G.GetExperimentByNameResponse { Experiment = ToDto(experiment) };
    });

    public override Task<ActionResult<G.DeleteExperimentResponse>> DeleteExperimentAsync(G.DeleteExperiment body) => Write(() =>
    {
        var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
        if (experiment.Id == "0") throw MlflowError.InvalidParameter("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
        SetExperimentDeleted(experiment, Now());
        return new G.DeleteExperimentResponse();
    });

    public override Task<ActionResult<G.RestoreExperimentResponse>> RestoreExperimentAsync(G.RestoreExperiment body) => Write(() =>
    {
        var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
        if (experiment.LifecycleStage != "deleted")
            throw MlflowError.InvalidParameter($"Cannot restore an active experiment. Experiment ID: {experiment.Id}");
        SetExperimentDeleted(experiment, null);
        return new G.RestoreExperimentResponse();
    });

    public override Task<ActionResult<G.UpdateExperimentResponse>> UpdateExperimentAsync(G.UpdateExperiment body) => Write(() =>
    {
        var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
        if (!string.IsNullOrEmpty(body.New_name))
        {
            Validation.Length(body.New_name, "name", Validation.MaxExperimentNameLength);
            if (experiment.LifecycleStage != "active")
                throw MlflowError.InvalidParameter($"Cannot rename a non-active experiment. Experiment ID: {experiment.Id}");
            if (Experiments.Values.Any(e => e.Name == body.New_name && e.Id != experiment.Id))
                throw MlflowError.AlreadyExists($"Experiment(name={body.New_name}) already exists.");
            experiment.Name = body.New_name;
            experiment.LastUpdateTime = Now();
            Experiments.Touch(experiment);
        }
        return new G.UpdateExperimentResponse();
    });

    public override Task<ActionResult<G.SetExperimentTagResponse>> SetExperimentTagAsync(G.SetExperimentTag body)
    {
        var (key, value) = ExperimentTag(body.Key, body.Value, "key");
        return Write(() =>
        {
            var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
            RequireActiveExperiment(experiment);
            experiment.Tags.Set(key, value);
            Experiments.Touch(experiment);
            return new G.SetExperimentTagResponse();
        });
    }

    public override Task<ActionResult<G.DeleteExperimentTagResponse>> DeleteExperimentTagAsync(G.DeleteExperimentTag body) => Write(() =>
    {
        var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
        var key = MlflowError.Required(body.Key, "key");
        RequireActiveExperiment(experiment);
        if (!experiment.Tags.Remove(key)) throw MlflowError.NotFound($"No tag with name: {key} in experiment with id {experiment.Id}");
        Experiments.Touch(experiment);
        return new G.DeleteExperimentTagResponse();
    });

    public override Task<ActionResult<G.SearchExperimentsResponse>> SearchExperimentsAsync(G.SearchExperiments? body) =>
        SearchExperiments(body?.Max_results, body?.Page_token, body?.Filter, body?.Order_by, body?.View_type);

    public override Task<ActionResult<G.SearchExperimentsResponse>> SearchExperimentsGetAsync(long? max_results, string? page_token, string? filter, IEnumerable<string>? order_by, G.ViewType? view_type) =>
        SearchExperiments(max_results, page_token, filter, order_by, view_type);

    private Task<ActionResult<G.SearchExperimentsResponse>> SearchExperiments(long? maxResults, string? pageToken, string? filter, IEnumerable<string>? orderBy, G.ViewType? viewType)
    {
        var max = maxResults ?? 0;
        if (max <= 0) throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be a positive integer");
        if (max > MaxSearchResults) throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be at most {MaxSearchResults}");
        var clauses = SearchFilter.Parse(filter, SearchFilter.Experiments);
        var terms = SearchFilter.ParseOrderBy(orderBy, SearchFilter.Experiments);
        return Read(() =>
        {
            var matching = Experiments.Values
                .Where(e => InView(e.LifecycleStage, viewType))
                .Where(e => SearchFilter.Matches(clauses, (kind, key) => ExperimentValue(e, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, ExperimentValue,
                items => items.OrderByDescending(e => e.CreationTime).ThenBy(e => long.Parse(e.Id, CultureInfo.InvariantCulture)));
            if (terms.Count > 0) ordered = ((IOrderedEnumerable<ExperimentEntity>)ordered).ThenBy(e => long.Parse(e.Id, CultureInfo.InvariantCulture));
            var (page, next) = PageToken.Slice(ordered, pageToken, (int)max);
            return new G.SearchExperimentsResponse { Experiments = page.Select(ToDto).ToList(), Next_page_token = next };
        });
    }

    private static object? ExperimentValue(ExperimentEntity e, KeyKind kind, string key) => kind switch
    {
        KeyKind.Tag => e.Tags.Get(key),
        KeyKind.Attribute => key switch
        {
            "name" => e.Name,
            "experiment_id" => e.Id,
            "creation_time" => (double)e.CreationTime,
            "last_update_time" => (double)e.LastUpdateTime,
            _ => null,
        },
        _ => null,
    };

    private ExperimentEntity FindExperiment(string? id)
    {
        if (string.IsNullOrEmpty(id)) throw MlflowError.MissingParameter("experiment_id");
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw MlflowError.InvalidParameter($"Invalid experiment ID '{id}'. Experiment ID must be a valid integer.");
        return Experiments.Find(id) ?? throw MlflowError.NotFound($"No Experiment with id={id} exists");
    }

    /// <summary>
    /// Deletes an experiment (<paramref name="deletedTime"/> set, also its new last-update time) or restores it (null),
    /// and moves its runs that were in the other stage along with it, as MLflow's store does.
    /// </summary>
    private void SetExperimentDeleted(ExperimentEntity experiment, long? deletedTime)
    {
        var (from, to) = deletedTime is null ? ("deleted", "active") : ("active", "deleted");
        experiment.LifecycleStage = to;
        experiment.LastUpdateTime = deletedTime ?? Now();
        Experiments.Touch(experiment);
        foreach (var run in Runs.Values.Where(r => r.ExperimentId == experiment.Id && r.LifecycleStage == from))
        {
            SetRunDeleted(run, deletedTime);
        }
    }

    /// <summary>Deletes a run, stamped with <paramref name="deletedTime"/>, or restores it when that is null.</summary>
    private void SetRunDeleted(RunEntity run, long? deletedTime)
    {
        run.LifecycleStage = deletedTime is null ? "active" : "deleted";
        run.DeletedTime = deletedTime;
        Runs.Touch(run);
    }

    private static void RequireActiveExperiment(ExperimentEntity experiment)
    {
        if (experiment.LifecycleStage != "active")
            throw MlflowError.InvalidParameter($"The experiment {experiment.Id} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
    }

    private static List<(string Key, string Value)> ExperimentTags(IEnumerable<G.ExperimentTag>? tags) =>
        (tags ?? []).Select(t => ExperimentTag(t.Key, t.Value, "key")).ToList();

    private static (string Key, string Value) ExperimentTag(string? key, string? value, string path)
    {
        Validation.Name(key, path);
        Validation.Length(key!, "key", Validation.MaxExperimentTagKeyLength);
        return (key!, Validation.Length(value ?? "", "value", Validation.MaxExperimentTagValueLength));
    }

    private static G.Experiment ToDto(ExperimentEntity e) => new()
    {
        Experiment_id = e.Id,
        Name = e.Name,
        Artifact_location = e.ArtifactLocation,
        Lifecycle_stage = e.LifecycleStage,
        Last_update_time = e.LastUpdateTime,
        Creation_time = e.CreationTime,
        Tags = e.Tags.Items.Select(t => new G.ExperimentTag { Key = t.Key, Value = t.Value }).ToList(),
    };

    private static bool InView(string lifecycleStage, G.ViewType? view) => view switch
    {
        G.ViewType.ALL => true,
        G.ViewType.DELETED_ONLY => lifecycleStage == "deleted",
        _ => lifecycleStage == "active",
    };

    // ---------------------------------------------------------------- runs

    public override Task<ActionResult<G.CreateRunResponse>> CreateRunAsync(G.CreateRun? body)
    {
        body ??= new G.CreateRun();
        var tags = (body.Tags ?? []).Select((t, i) => RunTag(t.Key, t.Value, "key")).ToList();
        return Write(() =>
        {
            var experiment = FindExperiment(string.IsNullOrEmpty(body.Experiment_id) ? "0" : body.Experiment_id);
            RequireActiveExperiment(experiment);
            var id = Guid.NewGuid().ToString("N");
            var given = tags.LastOrDefault(t => t.Key == "mlflow.runName").Value;
            var name = !string.IsNullOrEmpty(body.Run_name) ? body.Run_name : !string.IsNullOrEmpty(given) ? given : RandomRunName();
            var run = new RunEntity
            {
                Id = id,
                ExperimentId = experiment.Id,
                Name = name,
                UserId = body.User_id ?? "",
                StartTime = body.Start_time ?? Now(),
                ArtifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/{id}/artifacts",
            };
            foreach (var (key, value) in tags) run.Tags.Set(key, value);
            run.Tags.Set("mlflow.runName", name);
            Runs.Add(run);
            return new G.CreateRunResponse { Run = ToDto(run) };
        });
    }

    public override Task<ActionResult<G.GetRunResponse>> GetRunAsync(string? run_id, string? run_uuid) =>
        Read(() => new G.GetRunResponse { Run = WithOutputs(FindRun(run_id ?? run_uuid)) });

    public override Task<ActionResult<G.UpdateRunResponse>> UpdateRunAsync(G.UpdateRun? body) => Write(() =>
    {
        var run = FindRun(body?.Run_id ?? body?.Run_uuid);
        RequireActive(run);
        if (body!.Status is { } status) run.Status = status.ToString();
        if (body.End_time is { } end) run.EndTime = end;
        if (!string.IsNullOrEmpty(body.Run_name))
        {
            run.Name = body.Run_name;
            run.Tags.Set("mlflow.runName", body.Run_name);
        }
        Runs.Touch(run);
        return new G.UpdateRunResponse { Run_info = ToInfo(run) };
    });

    public override Task<ActionResult<G.DeleteRunResponse>> DeleteRunAsync(G.DeleteRun body) => Write(() =>
    {
        SetRunDeleted(FindRun(body.Run_id), Now());
        return new G.DeleteRunResponse();
    });

    public override Task<ActionResult<G.RestoreRunResponse>> RestoreRunAsync(G.RestoreRun body) => Write(() =>
    {
        SetRunDeleted(FindRun(body.Run_id), null);
        return new G.RestoreRunResponse();
    });

    public override Task<ActionResult<G.LogMetricResponse>> LogMetricAsync(G.LogMetric body)
    {
        var point = Metric(body.Key, body.Value, body.Timestamp, body.Step, "", body.Model_id, body.Dataset_name, body.Dataset_digest);
        return Write(() =>
        {
            var run = FindRun(body.Run_id ?? body.Run_uuid);
            RequireActive(run);
            AddMetric(run, point);
            return new G.LogMetricResponse();
        });
    }

    public override Task<ActionResult<G.LogParamResponse>> LogParamAsync(G.LogParam body)
    {
        var (key, value) = Param(body.Key, body.Value, "key");
        return Write(() =>
        {
            var run = FindRun(body.Run_id ?? body.Run_uuid);
            RequireActive(run);
            var existing = run.Params.Get(key);
            if (existing is not null && existing != value) throw ParamChanged(run, key, existing, value);
            run.Params.Set(key, value);
            Runs.Touch(run);
            return new G.LogParamResponse();
        });
    }

    public override Task<ActionResult<G.SetTagResponse>> SetTagAsync(G.SetTag body)
    {
        var (key, value) = RunTag(body.Key, body.Value, "key");
        return Write(() =>
        {
            var run = FindRun(body.Run_id ?? body.Run_uuid);
            RequireActive(run);
            SetRunTag(run, key, value);
            Runs.Touch(run);
            return new G.SetTagResponse();
        });
    }

    public override Task<ActionResult<G.DeleteTagResponse>> DeleteTagAsync(G.DeleteTag body) => Write(() =>
    {
        var run = FindRun(body.Run_id);
        RequireActive(run);
        var key = MlflowError.Required(body.Key, "key");
        if (!run.Tags.Remove(key)) throw MlflowError.NotFound($"No tag with name: {key} in run with id {run.Id}");
        Runs.Touch(run);
        return new G.DeleteTagResponse();
    });

    public override Task<ActionResult<G.LogBatchResponse>> LogBatchAsync(G.LogBatch? body)
    {
        // No byte limit, as in MLflow: its _validate_batch_log_api_req compares len() of the parsed JSON object (its
        // number of top-level fields) with 1,000,000, so it never refuses a body.
        body ??= new G.LogBatch();
        var metrics = body.Metrics ?? [];
        var parameters = body.Params ?? [];
        var tags = body.Tags ?? [];
        // The handler's checks (fields present), then the store's (names and values, limits, unique param keys).
        for (var i = 0; i < metrics.Count; i++)
        {
            if (string.IsNullOrEmpty(metrics[i].Key)) throw MlflowError.MissingParameter($"metrics[{i}].key");
            if (metrics[i].Value is null) throw MlflowError.MissingParameter($"metrics[{i}].value");
            if (metrics[i].Timestamp is null) throw MlflowError.MissingParameter($"metrics[{i}].timestamp");
        }
        for (var i = 0; i < parameters.Count; i++)
            if (string.IsNullOrEmpty(parameters[i].Key)) throw MlflowError.MissingParameter($"params[{i}].key");
        for (var i = 0; i < tags.Count; i++)
            if (string.IsNullOrEmpty(tags[i].Key)) throw MlflowError.MissingParameter($"tags[{i}].key");
        var points = metrics.Select((m, i) => Metric(m.Key, m.Value, m.Timestamp, m.Step, $"metrics[{i}].", m.Model_id, m.Dataset_name, m.Dataset_digest)).ToList();
        var newParams = parameters.Select((p, i) => Param(p.Key, p.Value, $"params[{i}].key")).ToList();
        var newTags = tags.Select((t, i) => RunTag(t.Key, t.Value, $"tags[{i}].key")).ToList();
        BatchLimit("metrics", Validation.MaxMetricsPerBatch, metrics.Count);
        BatchLimit("params", Validation.MaxParamsTagsPerBatch, parameters.Count);
        BatchLimit("tags", Validation.MaxParamsTagsPerBatch, tags.Count);
        BatchLimit("metrics, params, and tags", Validation.MaxEntitiesPerBatch, metrics.Count + parameters.Count + tags.Count);
        var duplicates = newParams.GroupBy(p => p.Key).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)).Select(p => p.Key).ToList();
        if (duplicates.Count > 0)
            throw MlflowError.InvalidParameter($"Duplicate parameter keys have been submitted: {Validation.PythonList(duplicates)}. Please ensure the request contains only one param value per param key.");
        return Write(() =>
        {
            var run = FindRun(MlflowError.Required(body.Run_id, "run_id"));
            RequireActive(run);
            // Checked before anything changes: a batch is all or nothing.
            var changed = newParams
                .Select(p => (p.Key, Old: run.Params.Get(p.Key), New: p.Value))
                .Where(p => p.Old is not null && p.Old != p.New)
                .Select(p => $"{{'key': {Validation.PythonRepr(p.Key)}, 'old_value': {Validation.PythonRepr(p.Old!)}, 'new_value': {Validation.PythonRepr(p.New)}}}")
                .ToList();
            if (changed.Count > 0)
                throw MlflowError.InvalidParameter($"Changing param values is not allowed. Params were already logged='[{string.Join(", ", changed)}]' for run ID='{run.Id}'.");
            foreach (var (key, value) in newParams) run.Params.Set(key, value);
            foreach (var (key, value) in newTags) SetRunTag(run, key, value);
            if (newParams.Count > 0 || newTags.Count > 0) Runs.Touch(run);
            foreach (var point in points) AddMetric(run, point);
            return new G.LogBatchResponse();
        });
    }

    public override Task<ActionResult<G.LogInputsResponse>> LogInputsAsync(G.LogInputs body)
    {
        var datasets = body.Datasets ?? [];
        foreach (var input in datasets)
        {
            var dataset = input.Dataset ?? throw MlflowError.InvalidParameter("Dataset cannot be None");
            if (dataset.Name is null) throw MlflowError.InvalidParameter("Dataset name cannot be None");
            if (dataset.Digest is null) throw MlflowError.InvalidParameter("Dataset digest cannot be None");
            if (dataset.Source_type is null) throw MlflowError.InvalidParameter("Dataset source_type cannot be None");
            if (dataset.Source is null) throw MlflowError.InvalidParameter("Dataset source cannot be None");
            Validation.Length(dataset.Name, "name", 500);
            Validation.Length(dataset.Digest, "digest", 36);
            Validation.Length(dataset.Source, "source", 65535);
            foreach (var tag in input.Tags ?? [])
            {
                if (tag.Key is null) throw MlflowError.InvalidParameter("InputTag key cannot be None");
                if (tag.Value is null) throw MlflowError.InvalidParameter("InputTag value cannot be None");
                Validation.Length(tag.Key, "key", 255);
                Validation.Length(tag.Value, "value", 500);
            }
        }
        return Write(() =>
        {
            var run = FindRun(body.Run_id);
            RequireActive(run);
            foreach (var input in datasets)
            {
                // The same dataset (name and digest) is recorded once per run, as in MLflow's store.
                if (!run.DatasetInputs.Any(d => d.Dataset.Name == input.Dataset.Name && d.Dataset.Digest == input.Dataset.Digest)) run.DatasetInputs.Add(input);
            }
            foreach (var model in body.Models ?? [])
                if (!run.ModelInputs.Any(m => m.Model_id == model.Model_id)) run.ModelInputs.Add(model);
            Runs.Touch(run);
            return new G.LogInputsResponse();
        });
    }

    public override Task<ActionResult<G.LogOutputsResponse>> LogOutputsAsync(G.LogOutputs body) => Write(() =>
    {
        var run = FindRun(body.Run_id);
        RequireActive(run);
        run.ModelOutputs.AddRange(body.Models ?? []);
        Runs.Touch(run);
        return new G.LogOutputsResponse();
    });

    public override Task<ActionResult<G.GetMetricHistoryResponse>> GetMetricHistoryAsync(string? run_id, string? run_uuid, string metric_key, string? page_token, int? max_results)
    {
        var id = run_id ?? run_uuid;
        if (string.IsNullOrEmpty(id)) throw MlflowError.MissingParameter("run_id");
        if (string.IsNullOrEmpty(metric_key)) throw MlflowError.MissingParameter("metric_key");
        if (max_results is <= 0 or > MaxHistoryResults)
            throw MlflowError.InvalidParameter($"Invalid value {max_results} for parameter 'max_results' supplied. It must be between 1 and {MaxHistoryResults}.");
        return Read(() =>
        {
            // MLflow answers an unknown run (or metric) with an empty history, not 404.
            if (Runs.Find(id) is not { } run || !run.Metrics.TryGetValue(metric_key, out var series)) return new G.GetMetricHistoryResponse();
            var ordered = HistoryOrder(series.Points).Select(ToDto).ToList();
            if (max_results is null && string.IsNullOrEmpty(page_token)) return new G.GetMetricHistoryResponse { Metrics = ordered };
            var (page, next) = PageToken.Slice(ordered, page_token, max_results ?? MaxHistoryResults);
            return new G.GetMetricHistoryResponse { Metrics = page, Next_page_token = next };
        });
    }

    /// <summary>The UI's bulk history (<c>/ajax-api/2.0/mlflow/metrics/get-history-bulk</c>): every point of one metric for up to 100 runs.</summary>
    public override Task<ActionResult<G.Response>> GetMetricHistoryBulkAsync(IEnumerable<string> run_id, string metric_key, int? max_results)
    {
        var ids = (run_id ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) throw MlflowError.InvalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
        if (ids.Count > 100) throw MlflowError.InvalidParameter($"GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received {ids.Count} run_ids.");
        if (string.IsNullOrEmpty(metric_key)) throw MlflowError.MissingParameter("metric_key");
        var max = max_results ?? MaxHistoryResults;
        if (max <= 0 || max > MaxHistoryResults)
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be between 1 and {MaxHistoryResults}.");
        return Read(() => new G.Response
        {
            Metrics = ids.Order(StringComparer.Ordinal)
                .SelectMany(id => Runs.Find(id) is { } run && run.Metrics.TryGetValue(metric_key, out var series)
                    ? HistoryOrder(series.Points).Select(p => new G.MetricWithRunId { Key = p.Key, Value = p.Value, Timestamp = p.Timestamp, Step = p.Step, Run_id = id })
                    : [])
                .Take(max)
                .ToList(),
        });
    }

    public override Task<ActionResult<G.GetMetricHistoryBulkIntervalResponse>> GetMetricHistoryBulkIntervalAsync(IEnumerable<string>? run_ids, string metric_key, int? start_step, int? end_step, int? max_results) =>
        BulkInterval(run_ids, metric_key, start_step, end_step, max_results);

    public override Task<ActionResult<G.GetMetricHistoryBulkIntervalResponse>> GetMetricHistoryBulkIntervalAjaxAsync(IEnumerable<string>? run_ids, string metric_key, int? start_step, int? end_step, int? max_results) =>
        BulkInterval(run_ids, metric_key, start_step, end_step, max_results);

    /// <summary>
    /// The UI's sampled history of one metric over up to 100 runs (MLflow's algorithm): the steps logged by any of
    /// the runs are sampled down to <c>max_results</c> evenly spaced ones (the last step always kept), each run's
    /// first and last step are added back, and every run answers its points at those steps, by step.
    /// </summary>
    private Task<ActionResult<G.GetMetricHistoryBulkIntervalResponse>> BulkInterval(IEnumerable<string>? runIds, string metricKey, int? startStep, int? endStep, int? maxResults)
    {
        const int MaxResultsPerRun = 2500;
        var ids = (runIds ?? []).ToList();
        if (ids.Count == 0) throw MlflowError.MissingParameter("run_ids");
        if (ids.Count > 100) throw MlflowError.InvalidParameter($"GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received {ids.Count} run_ids.");
        if (string.IsNullOrEmpty(metricKey)) throw MlflowError.MissingParameter("metric_key");
        var max = maxResults ?? MaxResultsPerRun;
        if (max < 1 || max > MaxResultsPerRun)
            throw MlflowError.InvalidParameter($"max_results must be between 1 and {MaxResultsPerRun}. See the API docs for more information about request parameters.");
        if (startStep is { } s0 && endStep is { } e0 && s0 > e0)
            throw MlflowError.InvalidParameter($"end_step must be greater than start_step. Found start_step={s0} and end_step={e0}.");
        if (startStep.HasValue != endStep.HasValue)
            throw MlflowError.InvalidParameter("If either start step or end step are specified, both must be specified.");
        return Read(() =>
        {
            var perRun = ids.Select(id => Runs.Find(id) is { } run && run.Metrics.TryGetValue(metricKey, out var series) ? series.Points : []).ToList();
            var allSteps = perRun.SelectMany(p => p.Select(x => x.Step)).Distinct().Order().ToList();
            var start = startStep ?? 0;
            var end = endStep ?? (allSteps.Count > 0 ? allSteps[^1] : 0);
            var steps = new SortedSet<long>(perRun.Where(p => p.Count > 0).SelectMany(p => new[] { p.Min(x => x.Step), p.Max(x => x.Step) }).Where(x => start <= x && x <= end));
            var first = allSteps.FindIndex(x => x >= start);
            if (first < 0) first = allSteps.Count;
            var last = allSteps.FindLastIndex(x => x <= end) + 1;
            var count = last - first;
            if (count <= max)
            {
                for (var i = first; i < last; i++) steps.Add(allSteps[i]);
            }
            else
            {
                var interval = (double)count / max;
                for (var i = 0; i < max; i++)
                {
                    var index = first + (int)(i * interval);
                    // MLflow compares the absolute index with the count of steps in range; kept as it is.
                    if (index < count) steps.Add(allSteps[index]);
                }
                steps.Add(allSteps[last - 1]);
            }
            var metrics = new List<G.MetricWithRunId>();
            for (var r = 0; r < ids.Count; r++)
            {
                metrics.AddRange(perRun[r].Where(p => steps.Contains(p.Step))
                    .OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => double.IsNaN(p.Value) ? double.NegativeInfinity : p.Value)
                    .Take(MaxHistoryResults)
                    .Select(p => new G.MetricWithRunId { Key = p.Key, Value = p.Value, Timestamp = p.Timestamp, Step = p.Step, Run_id = ids[r] }));
            }
            return new G.GetMetricHistoryBulkIntervalResponse { Metrics = metrics };
        });
    }

    public override Task<ActionResult<G.SearchRunsResponse>> SearchRunsAsync(G.SearchRuns? body)
    {
        body ??= new G.SearchRuns();
        var max = body.Max_results ?? 1000;
        if (max <= 0 || max > MaxSearchResults)
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.");
        var clauses = SearchFilter.Parse(body.Filter, SearchFilter.Runs);
        var terms = SearchFilter.ParseOrderBy(body.Order_by, SearchFilter.Runs);
        var experimentIds = (body.Experiment_ids ?? []).ToHashSet(StringComparer.Ordinal);
        return Read(() =>
        {
            var matching = Runs.Values
                .Where(r => experimentIds.Contains(r.ExperimentId))
                .Where(r => InView(r.LifecycleStage, body.Run_view_type))
                .Where(r => SearchFilter.Matches(clauses, (kind, key) => RunValue(r, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, RunValue, items => items.OrderByDescending(r => r.StartTime));
            ordered = ((IOrderedEnumerable<RunEntity>)ordered).ThenBy(r => r.Id, StringComparer.Ordinal);
            var (page, next) = PageToken.Slice(ordered, body.Page_token, max);
            return new G.SearchRunsResponse { Runs = page.Select(WithOutputs).ToList(), Next_page_token = next };
        });
    }

    private static object? RunValue(RunEntity r, KeyKind kind, string key) => kind switch
    {
        KeyKind.Metric => r.Latest(key)?.Value,
        KeyKind.Param => r.Params.Get(key),
        KeyKind.Tag => r.Tags.Get(key),
        KeyKind.Dataset => key switch
        {
            "name" => r.DatasetInputs.Select(d => d.Dataset.Name).ToList(),
            "digest" => r.DatasetInputs.Select(d => d.Dataset.Digest).ToList(),
            "context" => r.DatasetInputs.Select(d => d.Tags?.FirstOrDefault(t => t.Key == "mlflow.data.context")?.Value).OfType<string>().ToList(),
            _ => null,
        },
        _ => key switch
        {
            "run_id" => r.Id,
            "run_name" => r.Name,
            "status" => r.Status,
            "user_id" => r.UserId,
            "artifact_uri" => r.ArtifactUri,
            "lifecycle_stage" => r.LifecycleStage,
            "experiment_id" => r.ExperimentId,
            "start_time" or "created" or "Created" => (double)r.StartTime,
            "end_time" => r.EndTime is { } end ? (double)end : null,
            _ => null,
        },
    };

    /// <summary>MLflow's order of a metric's history: timestamp, then step, then value.</summary>
    private static IEnumerable<MetricPoint> HistoryOrder(IEnumerable<MetricPoint> points) =>
        points.OrderBy(p => p.Timestamp).ThenBy(p => p.Step).ThenBy(p => double.IsNaN(p.Value) ? double.NegativeInfinity : p.Value);

    /// <summary>Checks one metric as MLflow's <c>_validate_metric</c> does; <paramref name="path"/> prefixes the field names of a batch.</summary>
    private static MetricPoint Metric(string? key, double? value, long? timestamp, long? step, string path, string? modelId, string? datasetName, string? datasetDigest)
    {
        Validation.Name(key, path.Length == 0 ? "name" : path + "name");
        if (value is not { } v) throw MlflowError.MissingParameter(path + "value");
        if (timestamp is not { } t) throw MlflowError.MissingParameter(path + "timestamp");
        if (t < 0)
            throw MlflowError.InvalidParameter($"Invalid value {t} for parameter '{path}timestamp' supplied: metric '{key}' (value={v.ToString(CultureInfo.InvariantCulture)}). Timestamp must be a nonnegative long (64-bit integer) ");
        Validation.Length(key!, "Metric name", Validation.MaxEntityKeyLength);
        // As MLflow's SQL store: +-Infinity are kept as +-max double.
        if (double.IsPositiveInfinity(v)) v = double.MaxValue;
        if (double.IsNegativeInfinity(v)) v = double.MinValue;
        return new MetricPoint(key!, v, t, step ?? 0, modelId, datasetName, datasetDigest);
    }

    /// <summary>A param as MLflow keeps it: the name checked, the value cut to 6000 characters.</summary>
    private static (string Key, string Value) Param(string? key, string? value, string path)
    {
        Validation.Name(key, path);
        Validation.Length(key!, "Param key", Validation.MaxEntityKeyLength);
        return (key!, Validation.Truncated(value ?? "", Validation.MaxParamValueLength));
    }

    /// <summary>A run tag as MLflow keeps it: the name checked, the value cut to 8000 characters.</summary>
    private static (string Key, string Value) RunTag(string? key, string? value, string path)
    {
        Validation.Name(key, path);
        Validation.Length(key!, path, Validation.MaxEntityKeyLength);
        return (key!, Validation.Truncated(value ?? "", Validation.MaxRunTagValueLength));
    }

    private static void BatchLimit(string what, int limit, int count)
    {
        if (count > limit)
            throw MlflowError.InvalidParameter($"A batch logging request can contain at most {limit} {what}. Got {count} {what}. Please split up {what} across multiple requests and try again.");
    }

    private void AddMetric(RunEntity run, MetricPoint point)
    {
        if (!run.Series(point.Key).Add(point)) return;
        MetricRows.Append(run.Id, point);
        if (point.ModelId is { } modelId) RecordModelMetric(run, modelId, point);
    }

    private static void SetRunTag(RunEntity run, string key, string value)
    {
        run.Tags.Set(key, value);
        if (key == "mlflow.runName") run.Name = value;
    }

    private static MlflowError ParamChanged(RunEntity run, string key, string existing, string value) =>
        MlflowError.InvalidParameter($"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}' for run ID='{run.Id}'. Attempted logging new value '{value}'.");

    private RunEntity FindRun(string? id)
    {
        if (string.IsNullOrEmpty(id)) throw MlflowError.MissingParameter("run_id");
        return Runs.Find(id) ?? throw MlflowError.NotFound($"Run with id={id} not found");
    }

    private static void RequireActive(RunEntity run)
    {
        if (run.LifecycleStage != "active")
            throw MlflowError.InvalidParameter($"The run {run.Id} must be in the 'active' state. Current state is {run.LifecycleStage}.");
    }

    private static string RandomRunName() =>
        $"{Adjectives[Random.Shared.Next(Adjectives.Length)]}-{Nouns[Random.Shared.Next(Nouns.Length)]}-{Random.Shared.Next(1000)}";

    private static G.Run ToDto(RunEntity r) => new()
    {
        Info = ToInfo(r),
        Data = new G.RunData
        {
            Metrics = r.MetricKeys.Select(k => ToDto(r.Latest(k)!)).ToList(),
            Params = r.Params.Items.Select(p => new G.Param { Key = p.Key, Value = p.Value }).ToList(),
            Tags = r.Tags.Items.Select(t => new G.RunTag { Key = t.Key, Value = t.Value }).ToList(),
        },
        Inputs = new G.RunInputs { Dataset_inputs = r.DatasetInputs.ToList(), Model_inputs = r.ModelInputs.ToList() },
    };

    /// <summary>Runs read back from the store (get, search) carry an empty <c>outputs</c> object; a created run does not.</summary>
    private static G.Run WithOutputs(RunEntity entity)
    {
        var run = ToDto(entity);
        run.Outputs = new G.RunOutputs { Model_outputs = entity.ModelOutputs.ToList() };
        return run;
    }

    private static G.RunInfo ToInfo(RunEntity r) => new()
    {
        Run_uuid = r.Id,
        Experiment_id = r.ExperimentId,
        Run_name = r.Name,
        User_id = r.UserId,
        Status = Enum.Parse<G.RunStatus>(r.Status),
        Start_time = r.StartTime,
        End_time = r.EndTime,
        Artifact_uri = r.ArtifactUri,
        Lifecycle_stage = r.LifecycleStage,
        Run_id = r.Id,
    };

    private static G.Metric ToDto(MetricPoint p) => new() { Key = p.Key, Value = p.Value, Timestamp = p.Timestamp, Step = p.Step };
}
