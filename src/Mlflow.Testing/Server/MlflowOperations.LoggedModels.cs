namespace Mlflow.Testing.Server;

/// <summary>
/// Logged models (MLflow 3): create, get, finalize, delete (soft), tags, params, search with MLflow's filter grammar,
/// ordering and page tokens, their artifacts, and the metrics logged against them through log-metric / log-batch
/// (<c>model_id</c>). Also the legacy <c>runs/log-model</c>, which records a model in the run's
/// <c>mlflow.log-model.history</c> tag.
/// </summary>
internal sealed partial class MlflowOperations
{
    private const int DefaultLoggedModelResults = 100;

    private DocumentSet<LoggedModelEntity> LoggedModels => state.Documents<LoggedModelEntity>("logged_model", m => m.Id);

    public override Task<ActionResult<G.CreateLoggedModelResponse>> CreateLoggedModelAsync(G.CreateLoggedModel body)
    {
        var experimentId = MlflowError.Required(body.Experiment_id, "experiment_id");
        if (body.Name is { } given && given.Contains('/', StringComparison.Ordinal))
            throw MlflowError.InvalidParameter($"Invalid model name '{given}' provided. Model name cannot contain the following characters: '/', ':', '.', '%', '\"' and '''.");
        return Write(() =>
        {
            var experiment = FindExperiment(experimentId);
            RequireActiveExperiment(experiment);
            var id = "m-" + Guid.NewGuid().ToString("N");
            var now = Now();
            var model = new LoggedModelEntity
            {
                Id = id,
                ExperimentId = experiment.Id,
                Name = string.IsNullOrEmpty(body.Name) ? RandomRunName() : body.Name,
                ArtifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/models/{id}/artifacts",
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
                ModelType = body.Model_type ?? "",
                SourceRunId = body.Source_run_id ?? "",
            };
            foreach (var param in body.Params ?? []) model.Params[MlflowError.Required(param.Key, "params.key")] = param.Value ?? "";
            foreach (var tag in body.Tags ?? []) model.Tags[MlflowError.Required(tag.Key, "tags.key")] = tag.Value ?? "";
            LoggedModels.Add(model);
            return new G.CreateLoggedModelResponse { Model = ToDto(model) };
        });
    }

    public override Task<ActionResult<G.GetLoggedModelResponse>> GetLoggedModelAsync(string model_id) =>
        Read(() => new G.GetLoggedModelResponse { Model = ToDto(FindLoggedModel(model_id)) });

    public override Task<ActionResult<G.FinalizeLoggedModelResponse>> FinalizeLoggedModelAsync(G.FinalizeLoggedModel body, string model_id) => Write(() =>
    {
        var model = FindLoggedModel(model_id, includeDeleted: true);
        model.Status = body.Status.ToString();
        model.LastUpdatedTimestamp = Now();
        LoggedModels.Touch(model);
        return new G.FinalizeLoggedModelResponse { Model = ToDto(model) };
    });

    public override Task<ActionResult<G.DeleteLoggedModelResponse>> DeleteLoggedModelAsync(G.DeleteLoggedModel? body, string model_id) => Write(() =>
    {
        var model = FindLoggedModel(model_id, includeDeleted: true);
        model.LifecycleStage = "deleted";
        model.LastUpdatedTimestamp = Now();
        LoggedModels.Touch(model);
        return new G.DeleteLoggedModelResponse();
    });

    public override Task<ActionResult<G.SetLoggedModelTagsResponse>> SetLoggedModelTagsAsync(G.SetLoggedModelTags? body, string model_id) => Write(() =>
    {
        var model = FindLoggedModel(model_id, includeDeleted: true);
        foreach (var tag in body?.Tags ?? []) model.Tags[MlflowError.Required(tag.Key, "tags.key")] = tag.Value ?? "";
        LoggedModels.Touch(model);
        return new G.SetLoggedModelTagsResponse();
    });

    public override Task<ActionResult<G.DeleteLoggedModelTagResponse>> DeleteLoggedModelTagAsync(G.DeleteLoggedModelTag? body, string model_id, string tag_key) => Write(() =>
    {
        var model = FindLoggedModel(model_id, includeDeleted: true);
        if (!model.Tags.Remove(tag_key))
            throw MlflowError.NotFound($"No tag with key {Validation.PythonRepr(tag_key)} found for model with ID {Validation.PythonRepr(model.Id)}.");
        LoggedModels.Touch(model);
        return new G.DeleteLoggedModelTagResponse();
    });

    public override Task<ActionResult<G.LogLoggedModelParamsRequestResponse>> LogLoggedModelParamsAsync(G.LogLoggedModelParamsRequest? body, string model_id) => Write(() =>
    {
        var model = FindLoggedModel(model_id, includeDeleted: true);
        foreach (var param in body?.Params ?? []) model.Params[MlflowError.Required(param.Key, "params.key")] = param.Value ?? "";
        LoggedModels.Touch(model);
        return new G.LogLoggedModelParamsRequestResponse();
    });

    public override Task<ActionResult<G.SearchLoggedModelsResponse>> SearchLoggedModelsAsync(G.SearchLoggedModels? body)
    {
        body ??= new G.SearchLoggedModels();
        var experimentIds = body.Experiment_ids ?? [];
        if (experimentIds.Count == 0) throw MlflowError.MissingParameter("experiment_ids");
        var datasets = body.Datasets ?? [];
        if (datasets.Any(d => string.IsNullOrEmpty(d.Dataset_name)))
            throw MlflowError.InvalidParameter("`dataset_name` in the `datasets` clause must be specified.");
        var clauses = SearchFilter.Parse(body.Filter, SearchFilter.LoggedModels);
        var orderBy = body.Order_by ?? [];
        foreach (var term in orderBy)
        {
            var field = MlflowError.Required(term.Field_name, "order_by.field_name");
            if (field.Contains('.', StringComparison.Ordinal))
            {
                if (!field.StartsWith("metrics.", StringComparison.Ordinal))
                    throw MlflowError.InvalidParameter($"Invalid order by field name: {field}. Only metrics are supported.");
            }
            else if (LoggedModelAttribute(field) is null)
            {
                throw MlflowError.InvalidParameter($"Invalid order by field name: {field}");
            }
        }
        var offset = LoggedModelPageToken.Decode(body.Page_token, experimentIds, body.Filter, orderBy);
        var max = body.Max_results is > 0 ? body.Max_results.Value : DefaultLoggedModelResults;
        var wanted = experimentIds.ToHashSet(StringComparer.Ordinal);
        return Read(() =>
        {
            IEnumerable<LoggedModelEntity> matching = LoggedModels.Values
                .Where(m => m.LifecycleStage != "deleted" && wanted.Contains(m.ExperimentId))
                .Where(m => SearchFilter.Matches(clauses, (kind, key) => LoggedModelValue(m, kind, key, datasets)));
            if (datasets.Count > 0 && !clauses.Any(c => c.Kind == KeyKind.Metric))
                matching = matching.Where(m => m.Metrics.Any(p => OnDatasets(p, datasets)));
            IOrderedEnumerable<LoggedModelEntity>? ordered = null;
            var byCreation = false;
            foreach (var term in orderBy)
            {
                var ascending = term.Ascending ?? true;
                Func<LoggedModelEntity, object?> value;
                if (term.Field_name.StartsWith("metrics.", StringComparison.Ordinal))
                {
                    var metric = term.Field_name["metrics.".Length..];
                    value = m => LatestModelMetric(m, metric, term.Dataset_name, term.Dataset_digest);
                }
                else
                {
                    var attribute = LoggedModelAttribute(term.Field_name)!;
                    byCreation |= attribute == "creation_timestamp_ms";
                    value = m => LoggedModelValue(m, KeyKind.Attribute, attribute, []);
                }
                ordered = ordered is null ? matching.OrderBy(m => value(m) is null) : ordered.ThenBy(m => value(m) is null);
                ordered = ascending ? ordered.ThenBy(value, SearchFilter.Values) : ordered.ThenByDescending(value, SearchFilter.Values);
            }
            if (!byCreation) ordered = ordered is null ? matching.OrderByDescending(m => m.CreationTimestamp) : ordered.ThenByDescending(m => m.CreationTimestamp);
            var all = ordered!.ThenBy(m => m.Id, StringComparer.Ordinal).Skip(offset).Take(max + 1).ToList();
            string? next = null;
            if (all.Count > max)
            {
                all.RemoveAt(all.Count - 1);
                next = LoggedModelPageToken.Encode(experimentIds, body.Filter, orderBy, offset + max);
            }
            return new G.SearchLoggedModelsResponse { Models = all.Select(ToDto).ToList(), Next_page_token = next };
        });
    }

    public override Task<ActionResult<G.ListLoggedModelArtifactsResponse>> ListLoggedModelArtifactsAsync(string model_id, string? artifact_directory_path, string? page_token)
    {
        var model = ReadNow(() => FindLoggedModel(model_id));
        var relative = string.IsNullOrEmpty(artifact_directory_path) ? "" : NormalizeArtifactPath(artifact_directory_path);
        return Task.FromResult(new ActionResult<G.ListLoggedModelArtifactsResponse>(new G.ListLoggedModelArtifactsResponse
        {
            Root_uri = model.ArtifactUri,
            Files = ListUnder(model.ArtifactUri, relative).Select(f => new G.ArtifactFileEntry { Path = f.Path, Is_dir = f.IsDir, File_size = f.Size }).ToList(),
        }));
    }

    public override Task<IActionResult> GetLoggedModelArtifactAsync(string model_id, string artifact_file_path)
    {
        var rootUri = ReadNow(() => FindLoggedModel(model_id)).ArtifactUri;
        return Raw(DownloadUnder(rootUri, artifact_file_path));
    }

    /// <summary>
    /// The legacy model record of a run: MLflow checks the model JSON's mandatory fields and appends it to the run's
    /// <c>mlflow.log-model.history</c> tag (a JSON list).
    /// </summary>
    public override Task<ActionResult<G.LogModelResponse>> LogModelAsync(G.LogModel? body)
    {
        var runId = MlflowError.Required(body?.Run_id, "run_id");
        var text = MlflowError.Required(body!.Model_json, "model_json");
        JsonObject model;
        try
        {
            model = JsonNode.Parse(text) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw MlflowError.InvalidParameter($"Malformed model info. \n {text} \n is not a valid JSON.");
        }
        var missing = new[] { "artifact_path", "flavors", "utc_time_created", "run_id" }.Where(f => !model.ContainsKey(f)).ToList();
        if (missing.Count > 0)
            throw MlflowError.InvalidParameter($"Model json is missing mandatory fields: {{{string.Join(", ", missing.Select(Validation.PythonRepr))}}}");
        return Write(() =>
        {
            var run = FindRun(runId);
            RequireActive(run);
            var history = run.Tags.Get("mlflow.log-model.history") is { } existing && JsonNode.Parse(existing) is JsonArray array ? array : [];
            history.Add(model.DeepClone());
            SetRunTag(run, "mlflow.log-model.history", PythonJson.Dumps(history));
            Runs.Touch(run);
            return new G.LogModelResponse();
        });
    }

    /// <summary>A metric logged with a <c>model_id</c>: kept with the logged model too (when it exists), as MLflow does.</summary>
    private void RecordModelMetric(RunEntity run, string modelId, MetricPoint point)
    {
        if (LoggedModels.Find(modelId) is not { } model) return;
        model.Metrics.Add(new LoggedModelMetric(point.Key, point.Value, point.Timestamp, point.Step, run.Id, point.DatasetName, point.DatasetDigest));
        LoggedModels.Touch(model);
    }

    private LoggedModelEntity FindLoggedModel(string? id, bool includeDeleted = false)
    {
        if (string.IsNullOrEmpty(id)) throw MlflowError.MissingParameter("model_id");
        var model = LoggedModels.Find(id);
        return model is not null && (includeDeleted || model.LifecycleStage != "deleted")
            ? model
            : throw MlflowError.NotFound($"Logged model with ID '{id}' not found.");
    }

    /// <summary>The stored attribute a filter or order_by name means (MLflow's aliases included), or null.</summary>
    private static string? LoggedModelAttribute(string name) => name switch
    {
        "creation_time" or "creation_timestamp" or "creation_timestamp_ms" => "creation_timestamp_ms",
        "last_updated_time" or "last_updated_timestamp" or "last_updated_timestamp_ms" => "last_updated_timestamp_ms",
        "run_id" or "source_run_id" => "source_run_id",
        "model_id" or "name" or "model_type" or "status" or "experiment_id" => name,
        _ => null,
    };

    private static object? LoggedModelValue(LoggedModelEntity m, KeyKind kind, string key, IReadOnlyList<G.SearchLoggedModelsDataset> datasets) => kind switch
    {
        KeyKind.Tag => m.Tags.GetValueOrDefault(key),
        KeyKind.Param => m.Params.GetValueOrDefault(key),
        // Any logged value of the metric (on the requested datasets) may satisfy the comparison, as MLflow's join does.
        KeyKind.Metric => m.Metrics.Where(p => p.Key == key && (datasets.Count == 0 || OnDatasets(p, datasets))).Select(p => p.Value).ToList() is { Count: > 0 } values ? new MetricValues(values) : null,
        _ => LoggedModelAttribute(key) switch
        {
            "model_id" => m.Id,
            "name" => m.Name,
            "model_type" => m.ModelType,
            "status" => m.Status,
            "experiment_id" => m.ExperimentId,
            "source_run_id" => m.SourceRunId,
            "creation_timestamp_ms" => (double)m.CreationTimestamp,
            "last_updated_timestamp_ms" => (double)m.LastUpdatedTimestamp,
            _ => null,
        },
    };

    private static bool OnDatasets(LoggedModelMetric point, IReadOnlyList<G.SearchLoggedModelsDataset> datasets) =>
        datasets.Any(d => point.DatasetName == d.Dataset_name && (d.Dataset_digest is null || point.DatasetDigest == d.Dataset_digest));

    /// <summary>The latest value (by timestamp, then step) of a model's metric, optionally on one dataset.</summary>
    private static object? LatestModelMetric(LoggedModelEntity m, string key, string? datasetName, string? datasetDigest) =>
        m.Metrics
            .Where(p => p.Key == key && (datasetName is null || p.DatasetName == datasetName) && (datasetDigest is null || p.DatasetDigest == datasetDigest))
            .OrderByDescending(p => p.Timestamp).ThenByDescending(p => p.Step)
            .Select(p => (object?)p.Value)
            .FirstOrDefault();

    private static G.LoggedModel ToDto(LoggedModelEntity m) => new()
    {
        Info = new G.LoggedModelInfo
        {
            Model_id = m.Id,
            Experiment_id = m.ExperimentId,
            Name = m.Name,
            Creation_timestamp_ms = m.CreationTimestamp,
            Last_updated_timestamp_ms = m.LastUpdatedTimestamp,
            Artifact_uri = m.ArtifactUri,
            Status = Enum.Parse<G.LoggedModelStatus>(m.Status),
            Model_type = m.ModelType,
            Source_run_id = m.SourceRunId,
            Tags = m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new G.LoggedModelTag { Key = t.Key, Value = t.Value }).ToList(),
        },
        Data = new G.LoggedModelData
        {
            Params = m.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new G.LoggedModelParameter { Key = p.Key, Value = p.Value }).ToList(),
            Metrics = m.Metrics.Select(p => new G.Metric
            {
                Key = p.Key,
                Value = p.Value,
                Timestamp = p.Timestamp,
                Step = p.Step,
                Run_id = p.RunId,
                Model_id = m.Id,
                Dataset_name = p.DatasetName,
                Dataset_digest = p.DatasetDigest,
            }).ToList(),
        },
    };
}

/// <summary>Several values of one metric: a comparison holds when one of them satisfies it.</summary>
internal sealed record MetricValues(IReadOnlyList<double> Values);

/// <summary>
/// The page token of logged-model searches: base64 of the JSON of the request's experiment ids, filter and order_by
/// with the offset, checked against the next request as MLflow does.
/// </summary>
internal static class LoggedModelPageToken
{
    public static string Encode(List<string> experimentIds, string? filter, IReadOnlyList<G.SearchLoggedModelsOrderBy> orderBy, int offset)
    {
        var json = new JsonObject
        {
            ["experiment_ids"] = new JsonArray(experimentIds.Select(id => (JsonNode?)id).ToArray()),
            ["filter_string"] = filter,
            ["order_by"] = new JsonArray(orderBy.Select(o => (JsonNode?)new JsonObject
            {
                ["field_name"] = o.Field_name,
                ["ascending"] = o.Ascending ?? true,
                ["dataset_name"] = o.Dataset_name,
                ["dataset_digest"] = o.Dataset_digest,
            }).ToArray()),
            ["offset"] = offset,
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(PythonJson.Dumps(json)));
    }

    public static int Decode(string? token, List<string> experimentIds, string? filter, IReadOnlyList<G.SearchLoggedModelsOrderBy> orderBy)
    {
        if (string.IsNullOrEmpty(token)) return 0;
        JsonObject json;
        try
        {
            json = JsonNode.Parse(Convert.FromBase64String(token)) as JsonObject ?? throw new JsonException();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw MlflowError.InvalidParameter($"Invalid page token: {token}");
        }
        var expected = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Encode(experimentIds, filter, orderBy, 0))))!.AsObject();
        if (!JsonNode.DeepEquals(json["experiment_ids"], expected["experiment_ids"]))
            throw MlflowError.InvalidParameter("Experiment IDs in the page token do not match the requested experiment IDs.");
        if (!JsonNode.DeepEquals(json["filter_string"], expected["filter_string"]))
            throw MlflowError.InvalidParameter("Filter string in the page token does not match the requested filter string.");
        if (!JsonNode.DeepEquals(json["order_by"], expected["order_by"]))
            throw MlflowError.InvalidParameter("Order by in the page token does not match the requested order by.");
        return json["offset"] is JsonValue v && v.TryGetValue<int>(out var offset) && offset >= 0
            ? offset
            : throw MlflowError.InvalidParameter($"Invalid page token: {token}");
    }
}
