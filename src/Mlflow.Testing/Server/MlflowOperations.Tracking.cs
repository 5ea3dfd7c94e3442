using System.Globalization;
using Microsoft.AspNetCore.Http;
using Mlflow.Testing.Store;
using G = Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>
/// The operations the embedded server implements, in memory. Each public method has the name and parameter types of
/// one <see cref="G.IMlflowController"/> method (checked at start-up by <see cref="OperationTable"/>); everything else
/// answers 501. One lock guards the whole state: requests are short and the server is for tests.
/// </summary>
internal sealed partial class MlflowOperations
{
    private const int MaxMetricsPerBatch = 1000;
    private const int MaxParamsPerBatch = 100;
    private const int MaxTagsPerBatch = 100;
    private const int MaxEntitiesPerBatch = 1000;
    private const int MaxKeyLength = 250;
    private const int MaxParamValueLength = 6000;
    private const int MaxRunTagValueLength = 8000;
    private const int MaxExperimentTagValueLength = 5000;
    private const int MaxSearchResults = 50000;
    private const int MaxHistoryResults = 25000;

    private static readonly string[] Adjectives = ["bright", "calm", "clever", "eager", "gentle", "honest", "likeable", "lucky", "merciful", "nimble", "polite", "quiet", "rare", "shy", "vaunted", "witty"];
    private static readonly string[] Nouns = ["ant", "bass", "cat", "colt", "crab", "doe", "fish", "fox", "gull", "hare", "lark", "moth", "owl", "ram", "seal", "wren"];

    private readonly object gate = new();
    private readonly TimeProvider clock;
    private readonly IHttpContextAccessor http;
    private readonly WebhookDispatcher webhooks;
    private readonly Dictionary<string, ExperimentEntity> experiments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunEntity> runs = new(StringComparer.Ordinal);
    private int nextExperimentId = 1;

    public MlflowOperations(MlflowTestServerOptions options, IHttpContextAccessor http, WebhookDispatcher webhooks)
    {
        clock = options.TimeProvider;
        this.http = http;
        this.webhooks = webhooks;
        InitializeArtifacts(options);
        var now = Now();
        experiments["0"] = new ExperimentEntity { Id = "0", Name = "Default", ArtifactLocation = DefaultArtifactLocation("0"), CreationTime = now, LastUpdateTime = now };
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    // ---------------------------------------------------------------- experiments

    public G.CreateExperimentResponse CreateExperimentAsync(G.CreateExperiment body)
    {
        var name = MlflowError.Required(body.Name, "name");
        lock (gate)
        {
            if (experiments.Values.Any(e => e.Name == name)) throw MlflowError.AlreadyExists($"Experiment(name={name}) already exists.");
            var id = (nextExperimentId++).ToString(CultureInfo.InvariantCulture);
            var now = Now();
            var experiment = new ExperimentEntity
            {
                Id = id,
                Name = name,
                ArtifactLocation = string.IsNullOrEmpty(body.Artifact_location) ? DefaultArtifactLocation(id) : body.Artifact_location,
                CreationTime = now,
                LastUpdateTime = now,
            };
            foreach (var tag in body.Tags ?? [])
            {
                var key = ValidateKey(tag.Key, "tag");
                experiment.Tags.Set(key, ValidateValue(tag.Value ?? "", MaxExperimentTagValueLength, "Tag", key));
            }
            experiments[id] = experiment;
            return new G.CreateExperimentResponse { Experiment_id = id };
        }
    }

    public G.GetExperimentResponse GetExperimentAsync(string experiment_id)
    {
        lock (gate) return new G.GetExperimentResponse { Experiment = ToDto(FindExperiment(experiment_id)) };
    }

    public G.GetExperimentByNameResponse GetExperimentByNameAsync(string experiment_name)
    {
        lock (gate)
        {
            var experiment = experiments.Values.FirstOrDefault(e => e.Name == experiment_name)
                ?? throw MlflowError.NotFound($"Could not find experiment with name '{experiment_name}'");
            return new G.GetExperimentByNameResponse { Experiment = ToDto(experiment) };
        }
    }

    public G.DeleteExperimentResponse DeleteExperimentAsync(G.DeleteExperiment body)
    {
        lock (gate)
        {
            var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
            if (experiment.Id == "0") throw MlflowError.InvalidParameter("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
            experiment.LifecycleStage = "deleted";
            experiment.LastUpdateTime = Now();
            foreach (var run in runs.Values.Where(r => r.ExperimentId == experiment.Id)) run.LifecycleStage = "deleted";
            return new G.DeleteExperimentResponse();
        }
    }

    public G.RestoreExperimentResponse RestoreExperimentAsync(G.RestoreExperiment body)
    {
        lock (gate)
        {
            var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
            if (experiment.LifecycleStage != "deleted")
                throw MlflowError.InvalidParameter($"Cannot restore an active experiment. Experiment ID: {experiment.Id}");
            experiment.LifecycleStage = "active";
            experiment.LastUpdateTime = Now();
            foreach (var run in runs.Values.Where(r => r.ExperimentId == experiment.Id)) run.LifecycleStage = "active";
            return new G.RestoreExperimentResponse();
        }
    }

    public G.UpdateExperimentResponse UpdateExperimentAsync(G.UpdateExperiment body)
    {
        lock (gate)
        {
            var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
            if (!string.IsNullOrEmpty(body.New_name))
            {
                if (experiment.LifecycleStage != "active")
                    throw MlflowError.InvalidParameter($"Cannot rename a non-active experiment. Experiment ID: {experiment.Id}");
                if (experiments.Values.Any(e => e.Name == body.New_name && e.Id != experiment.Id))
                    throw MlflowError.AlreadyExists($"Experiment(name={body.New_name}) already exists.");
                experiment.Name = body.New_name;
                experiment.LastUpdateTime = Now();
            }
            return new G.UpdateExperimentResponse();
        }
    }

    public G.SetExperimentTagResponse SetExperimentTagAsync(G.SetExperimentTag body)
    {
        lock (gate)
        {
            var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
            var key = ValidateKey(body.Key, "tag");
            experiment.Tags.Set(key, ValidateValue(body.Value ?? "", MaxExperimentTagValueLength, "Tag", key));
            return new G.SetExperimentTagResponse();
        }
    }

    public G.DeleteExperimentTagResponse DeleteExperimentTagAsync(G.DeleteExperimentTag body)
    {
        lock (gate)
        {
            var experiment = FindExperiment(MlflowError.Required(body.Experiment_id, "experiment_id"));
            var key = MlflowError.Required(body.Key, "key");
            if (!experiment.Tags.Remove(key)) throw MlflowError.NotFound($"No tag with name: {key} in experiment with id {experiment.Id}");
            return new G.DeleteExperimentTagResponse();
        }
    }

    public G.SearchExperimentsResponse SearchExperimentsAsync(G.SearchExperiments? body) =>
        SearchExperiments(body?.Max_results, body?.Page_token, body?.Filter, body?.Order_by, body?.View_type);

    public G.SearchExperimentsResponse SearchExperimentsGetAsync(long? max_results, string? page_token, string? filter, IEnumerable<string>? order_by, G.ViewType? view_type) =>
        SearchExperiments(max_results, page_token, filter, order_by, view_type);

    private G.SearchExperimentsResponse SearchExperiments(long? maxResults, string? pageToken, string? filter, IEnumerable<string>? orderBy, G.ViewType? viewType)
    {
        var max = maxResults ?? 0;
        if (max <= 0) throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be a positive integer");
        if (max > MaxSearchResults) throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be at most {MaxSearchResults}");
        var clauses = SearchFilter.Parse(filter, SearchFilter.Experiments);
        var terms = SearchFilter.ParseOrderBy(orderBy, SearchFilter.Experiments);
        lock (gate)
        {
            var matching = experiments.Values
                .Where(e => InView(e.LifecycleStage, viewType))
                .Where(e => SearchFilter.Matches(clauses, (kind, key) => ExperimentValue(e, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, ExperimentValue,
                items => items.OrderByDescending(e => e.CreationTime).ThenBy(e => long.Parse(e.Id, CultureInfo.InvariantCulture)));
            if (terms.Count > 0) ordered = ((IOrderedEnumerable<ExperimentEntity>)ordered).ThenBy(e => long.Parse(e.Id, CultureInfo.InvariantCulture));
            var (page, next) = PageToken.Slice(ordered, pageToken, (int)max);
            return new G.SearchExperimentsResponse { Experiments = page.Select(ToDto).ToList(), Next_page_token = next };
        }
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
        return experiments.TryGetValue(id, out var experiment) ? experiment : throw MlflowError.NotFound($"No Experiment with id={id} exists");
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

    public G.CreateRunResponse CreateRunAsync(G.CreateRun? body)
    {
        body ??= new G.CreateRun();
        lock (gate)
        {
            var experiment = FindExperiment(string.IsNullOrEmpty(body.Experiment_id) ? "0" : body.Experiment_id);
            if (experiment.LifecycleStage != "active")
                throw MlflowError.InvalidParameter($"The experiment {experiment.Id} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
            var id = Guid.NewGuid().ToString("N");
            var tags = new TagMap();
            foreach (var tag in body.Tags ?? [])
            {
                var key = ValidateKey(tag.Key, "tag");
                tags.Set(key, ValidateValue(tag.Value ?? "", MaxRunTagValueLength, "Tag", key));
            }
            var name = !string.IsNullOrEmpty(body.Run_name) ? body.Run_name : tags.Get("mlflow.runName") ?? RandomRunName();
            var run = new RunEntity
            {
                Id = id,
                ExperimentId = experiment.Id,
                Name = name,
                UserId = body.User_id ?? "",
                StartTime = body.Start_time ?? Now(),
                ArtifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/{id}/artifacts",
            };
            foreach (var (key, value) in tags.Items) run.Tags.Set(key, value);
            run.Tags.Set("mlflow.runName", name);
            runs[id] = run;
            return new G.CreateRunResponse { Run = ToDto(run) };
        }
    }

    public G.GetRunResponse GetRunAsync(string? run_id, string? run_uuid)
    {
        lock (gate) return new G.GetRunResponse { Run = WithOutputs(FindRun(run_id ?? run_uuid)) };
    }

    public G.UpdateRunResponse UpdateRunAsync(G.UpdateRun? body)
    {
        lock (gate)
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
            return new G.UpdateRunResponse { Run_info = ToInfo(run) };
        }
    }

    public G.DeleteRunResponse DeleteRunAsync(G.DeleteRun body)
    {
        lock (gate)
        {
            FindRun(body.Run_id).LifecycleStage = "deleted";
            return new G.DeleteRunResponse();
        }
    }

    public G.RestoreRunResponse RestoreRunAsync(G.RestoreRun body)
    {
        lock (gate)
        {
            FindRun(body.Run_id).LifecycleStage = "active";
            return new G.RestoreRunResponse();
        }
    }

    public G.LogMetricResponse LogMetricAsync(G.LogMetric body)
    {
        lock (gate)
        {
            var run = FindRun(body.Run_id ?? body.Run_uuid);
            RequireActive(run);
            AddMetric(run, ValidateKey(body.Key, "metric"), body.Value, body.Timestamp, body.Step ?? 0);
            return new G.LogMetricResponse();
        }
    }

    public G.LogParamResponse LogParamAsync(G.LogParam body)
    {
        lock (gate)
        {
            var run = FindRun(body.Run_id ?? body.Run_uuid);
            RequireActive(run);
            var value = body.Value ?? "";
            // MLflow truncates over-long values of log-parameter (log-batch keeps them whole).
            if (value.Length > MaxParamValueLength) value = value[..MaxParamValueLength];
            SetParam(run, ValidateKey(body.Key, "param"), value);
            return new G.LogParamResponse();
        }
    }

    public G.SetTagResponse SetTagAsync(G.SetTag body)
    {
        lock (gate)
        {
            var run = FindRun(body.Run_id ?? body.Run_uuid);
            RequireActive(run);
            var key = ValidateKey(body.Key, "tag");
            run.Tags.Set(key, ValidateValue(body.Value ?? "", MaxRunTagValueLength, "Tag", key));
            if (key == "mlflow.runName") run.Name = body.Value ?? "";
            return new G.SetTagResponse();
        }
    }

    public G.DeleteTagResponse DeleteTagAsync(G.DeleteTag body)
    {
        lock (gate)
        {
            var run = FindRun(body.Run_id);
            RequireActive(run);
            var key = MlflowError.Required(body.Key, "key");
            if (!run.Tags.Remove(key)) throw MlflowError.NotFound($"No tag with name: {key} in run with id {run.Id}");
            return new G.DeleteTagResponse();
        }
    }

    public G.LogBatchResponse LogBatchAsync(G.LogBatch? body)
    {
        body ??= new G.LogBatch();
        var metrics = body.Metrics ?? [];
        var parameters = body.Params ?? [];
        var tags = body.Tags ?? [];
        if (metrics.Count > MaxMetricsPerBatch)
            throw MlflowError.InvalidParameter($"A batch logging request can contain at most {MaxMetricsPerBatch} metrics. Got {metrics.Count} metrics. Please split up metrics across multiple requests and try again.");
        if (parameters.Count > MaxParamsPerBatch)
            throw MlflowError.InvalidParameter($"A batch logging request can contain at most {MaxParamsPerBatch} params. Got {parameters.Count} params. Please split up params across multiple requests and try again.");
        if (tags.Count > MaxTagsPerBatch)
            throw MlflowError.InvalidParameter($"A batch logging request can contain at most {MaxTagsPerBatch} tags. Got {tags.Count} tags. Please split up tags across multiple requests and try again.");
        var total = metrics.Count + parameters.Count + tags.Count;
        if (total > MaxEntitiesPerBatch)
            throw MlflowError.InvalidParameter($"A batch logging request can contain at most {MaxEntitiesPerBatch} metrics, params, and tags in total. Got {total} in total. Please split up the request and try again.");
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
        lock (gate)
        {
            var run = FindRun(body.Run_id);
            RequireActive(run);
            // Validate everything before changing anything: a batch is all or nothing.
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in parameters)
            {
                var key = ValidateKey(p.Key, "param");
                // MLflow accepts over-long values in a batch and keeps the first 6000 characters, as log-parameter does.
                var value = p.Value ?? "";
                if (value.Length > MaxParamValueLength) value = value[..MaxParamValueLength];
                if (seen.TryGetValue(key, out var earlier) && earlier != value)
                    throw MlflowError.InvalidParameter($"Duplicate parameter keys have been submitted: [{key}]. Please ensure the request contains only one param value per param key.");
                seen[key] = value;
                var existing = run.Params.Get(key);
                if (existing is not null && existing != value) throw ParamChanged(run, key, existing, value);
            }
            foreach (var t in tags) ValidateValue(t.Value ?? "", MaxRunTagValueLength, "Tag", ValidateKey(t.Key, "tag"));
            foreach (var m in metrics) ValidateKey(m.Key, "metric");
            foreach (var (key, value) in seen) run.Params.Set(key, value);
            foreach (var t in tags)
            {
                run.Tags.Set(t.Key!, t.Value ?? "");
                if (t.Key == "mlflow.runName") run.Name = t.Value ?? "";
            }
            foreach (var m in metrics) AddMetric(run, m.Key!, m.Value!.Value, m.Timestamp!.Value, m.Step ?? 0);
            return new G.LogBatchResponse();
        }
    }

    public G.LogInputsResponse LogInputsAsync(G.LogInputs body)
    {
        lock (gate)
        {
            var run = FindRun(body.Run_id);
            RequireActive(run);
            foreach (var input in body.Datasets ?? [])
            {
                if (input.Dataset is null) throw MlflowError.MissingParameter("datasets.dataset");
                // The same dataset (name and digest) is recorded once per run, as in MLflow's store.
                if (!run.DatasetInputs.Any(d => d.Dataset.Name == input.Dataset.Name && d.Dataset.Digest == input.Dataset.Digest)) run.DatasetInputs.Add(input);
            }
            foreach (var model in body.Models ?? [])
                if (!run.ModelInputs.Any(m => m.Model_id == model.Model_id)) run.ModelInputs.Add(model);
            return new G.LogInputsResponse();
        }
    }

    public G.LogOutputsResponse LogOutputsAsync(G.LogOutputs body)
    {
        lock (gate)
        {
            var run = FindRun(body.Run_id);
            RequireActive(run);
            run.ModelOutputs.AddRange(body.Models ?? []);
            return new G.LogOutputsResponse();
        }
    }

    public G.GetMetricHistoryResponse GetMetricHistoryAsync(string? run_id, string? run_uuid, string metric_key, string? page_token, int? max_results)
    {
        var id = run_id ?? run_uuid;
        if (string.IsNullOrEmpty(id)) throw MlflowError.MissingParameter("run_id");
        if (string.IsNullOrEmpty(metric_key)) throw MlflowError.MissingParameter("metric_key");
        if (max_results is <= 0 or > MaxHistoryResults)
            throw MlflowError.InvalidParameter($"Invalid value {max_results} for parameter 'max_results' supplied. It must be between 1 and {MaxHistoryResults}.");
        lock (gate)
        {
            // MLflow answers an unknown run (or metric) with an empty history, not 404.
            if (!runs.TryGetValue(id, out var run) || !run.Metrics.TryGetValue(metric_key, out var points)) return new G.GetMetricHistoryResponse();
            var ordered = points.OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => p.Sequence).Select(p => ToDto(p)).ToList();
            if (max_results is null && string.IsNullOrEmpty(page_token)) return new G.GetMetricHistoryResponse { Metrics = ordered };
            var (page, next) = PageToken.Slice(ordered, page_token, max_results ?? MaxHistoryResults);
            return new G.GetMetricHistoryResponse { Metrics = page, Next_page_token = next };
        }
    }

    /// <summary>The UI's bulk history (<c>/ajax-api/2.0/mlflow/metrics/get-history-bulk</c>): every point of one metric for up to 100 runs.</summary>
    public G.Response GetMetricHistoryBulkAsync(IEnumerable<string> run_id, string metric_key, int? max_results)
    {
        var ids = (run_id ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) throw MlflowError.InvalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
        if (ids.Count > 100) throw MlflowError.InvalidParameter($"GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received {ids.Count} run_ids.");
        if (string.IsNullOrEmpty(metric_key)) throw MlflowError.MissingParameter("metric_key");
        var max = max_results ?? MaxHistoryResults;
        if (max <= 0 || max > MaxHistoryResults)
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be between 1 and {MaxHistoryResults}.");
        lock (gate)
        {
            var metrics = ids.Order(StringComparer.Ordinal)
                .SelectMany(id => runs.TryGetValue(id, out var run) && run.Metrics.TryGetValue(metric_key, out var points)
                    ? points.OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => p.Sequence)
                        .Select(p => new G.MetricWithRunId { Key = p.Key, Value = p.Value, Timestamp = p.Timestamp, Step = p.Step, Run_id = id })
                    : [])
                .Take(max)
                .ToList();
            return new G.Response { Metrics = metrics };
        }
    }

    public G.SearchRunsResponse SearchRunsAsync(G.SearchRuns? body)
    {
        body ??= new G.SearchRuns();
        var max = body.Max_results ?? 1000;
        if (max <= 0 || max > MaxSearchResults)
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.");
        var clauses = SearchFilter.Parse(body.Filter, SearchFilter.Runs);
        var terms = SearchFilter.ParseOrderBy(body.Order_by, SearchFilter.Runs);
        var experimentIds = (body.Experiment_ids ?? []).ToHashSet(StringComparer.Ordinal);
        lock (gate)
        {
            var matching = runs.Values
                .Where(r => experimentIds.Contains(r.ExperimentId))
                .Where(r => InView(r.LifecycleStage, body.Run_view_type))
                .Where(r => SearchFilter.Matches(clauses, (kind, key) => RunValue(r, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, RunValue, items => items.OrderByDescending(r => r.StartTime));
            ordered = ((IOrderedEnumerable<RunEntity>)ordered).ThenBy(r => r.Id, StringComparer.Ordinal);
            var (page, next) = PageToken.Slice(ordered, body.Page_token, max);
            return new G.SearchRunsResponse { Runs = page.Select(WithOutputs).ToList(), Next_page_token = next };
        }
    }

    private static object? RunValue(RunEntity r, KeyKind kind, string key) => kind switch
    {
        KeyKind.Metric => r.Latest(key)?.Value,
        KeyKind.Param => r.Params.Get(key),
        KeyKind.Tag => r.Tags.Get(key),
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

    private void AddMetric(RunEntity run, string key, double value, long timestamp, long step)
    {
        if (!run.Metrics.TryGetValue(key, out var points))
        {
            run.Metrics[key] = points = [];
            run.MetricKeys.Add(key);
        }
        // As MLflow's SQL store: +-Infinity are kept as +-max double.
        if (double.IsPositiveInfinity(value)) value = double.MaxValue;
        if (double.IsNegativeInfinity(value)) value = double.MinValue;
        points.Add(new MetricPoint(key, value, timestamp, step, points.Count));
    }

    private static void SetParam(RunEntity run, string key, string value)
    {
        var existing = run.Params.Get(key);
        if (existing is not null && existing != value) throw ParamChanged(run, key, existing, value);
        run.Params.Set(key, value);
    }

    private static MlflowError ParamChanged(RunEntity run, string key, string existing, string value) =>
        MlflowError.InvalidParameter($"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}' for run ID='{run.Id}'. Attempted logging new value '{value}'.");

    private RunEntity FindRun(string? id)
    {
        if (string.IsNullOrEmpty(id)) throw MlflowError.MissingParameter("run_id");
        return runs.TryGetValue(id, out var run) ? run : throw MlflowError.NotFound($"Run with id={id} not found");
    }

    private static void RequireActive(RunEntity run)
    {
        if (run.LifecycleStage != "active")
            throw MlflowError.InvalidParameter($"The run {run.Id} must be in the 'active' state. Current state is {run.LifecycleStage}.");
    }

    private static string ValidateKey(string? key, string what)
    {
        if (string.IsNullOrEmpty(key)) throw MlflowError.MissingParameter("key");
        if (key.Length > MaxKeyLength)
            throw MlflowError.InvalidParameter($"'{key[..20]}...' exceeds the maximum length of {MaxKeyLength} characters for a {what} name.");
        return key;
    }

    private static string ValidateValue(string value, int limit, string what, string key)
    {
        if (value.Length > limit)
            throw MlflowError.InvalidParameter($"{what} value '{value[..Math.Min(20, value.Length)]}...' had length {value.Length}, which exceeded length limit of {limit} (key '{key}').");
        return value;
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
