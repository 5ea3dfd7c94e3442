using System.Security.Cryptography;

namespace Mlflow.Testing.Server;

/// <summary>
/// Datasets: the summaries of the datasets runs logged as inputs (the UI's <c>search-datasets</c>), and MLflow 3's
/// evaluation datasets (<c>/api/3.0/mlflow/datasets</c>): create, get, search, delete, tags, experiment links, and
/// records upserted by the hash of their inputs. Tags, schema, profile and records travel as JSON text, written as
/// MLflow writes it.
/// </summary>
internal sealed partial class MlflowOperations
{
    private const int MaxDatasetSearchResults = 50000;
    private const int DefaultRecordResults = 1000;

    private DocumentSet<EvaluationDatasetEntity> EvaluationDatasets => state.Documents<EvaluationDatasetEntity>("evaluation_dataset", d => d.Id);

    // ---------------------------------------------------------------- datasets logged by runs

    public override Task<ActionResult<G.SearchDatasetsResponse>> SearchDatasetsAjaxAsync(G.SearchDatasets? body)
    {
        var experimentIds = (body?.Experiment_ids ?? []).ToHashSet(StringComparer.Ordinal);
        if (experimentIds.Count == 0) throw MlflowError.InvalidParameter("SearchDatasets request must specify at least one experiment_id.");
        if (experimentIds.Count > 20)
            throw MlflowError.InvalidParameter($"SearchDatasets request cannot specify more than 20 experiment_ids. Received {experimentIds.Count} experiment_ids.");
        return Read(() =>
        {
            var summaries = new List<G.DatasetSummary>();
            var seen = new HashSet<(string, string, string, string?)>();
            foreach (var run in Runs.Values.Where(r => experimentIds.Contains(r.ExperimentId)))
            {
                foreach (var input in run.DatasetInputs)
                {
                    var context = input.Tags?.FirstOrDefault(t => t.Key == "mlflow.data.context")?.Value;
                    if (seen.Add((run.ExperimentId, input.Dataset.Name, input.Dataset.Digest, context)))
                        summaries.Add(new G.DatasetSummary { Experiment_id = run.ExperimentId, Name = input.Dataset.Name, Digest = input.Dataset.Digest, Context = context });
                }
            }
            return new G.SearchDatasetsResponse { Dataset_summaries = summaries.Take(1000).ToList() };
        });
    }

    /// <summary>
    /// The proto's own route for SearchDatasets lacks a slash (<c>/api/2.0mlflow/...</c>); MLflow's server answers
    /// it 404 with an empty body, and so does this one (the working route is the <c>/ajax-api</c> one).
    /// </summary>
    [Obsolete("The spec marks this route deprecated: the /ajax-api one is the route that works.")]
    public override Task<ActionResult<G.SearchDatasetsResponse>> SearchDatasetsAsync(G.SearchDatasets? body) =>
        Task.FromResult<ActionResult<G.SearchDatasetsResponse>>(new NotFoundResult());

    // ---------------------------------------------------------------- evaluation datasets

    public override Task<ActionResult<G.CreateDatasetResponse>> CreateDatasetAsync(G.CreateDataset body)
    {
        var name = MlflowError.Required(body.Name, "name");
        var tags = ParseStringMap(body.Tags, "tags");
        var experimentIds = body.Experiment_ids ?? [];
        return Write(() =>
        {
            foreach (var id in experimentIds) FindExperiment(id);
            var now = Now();
            var dataset = new EvaluationDatasetEntity
            {
                Id = "d-" + Guid.NewGuid().ToString("N"),
                Name = name,
                Digest = DatasetDigest(name, now),
                CreatedTime = now,
                LastUpdateTime = now,
                CreatedBy = tags.Get("mlflow.user") ?? body.Created_by,
                LastUpdatedBy = tags.Get("mlflow.user") ?? body.Created_by,
                ExperimentIds = experimentIds.Distinct(StringComparer.Ordinal).ToList(),
            };
            foreach (var (key, value) in tags.Items) dataset.Tags.Set(key, value);
            EvaluationDatasets.Add(dataset);
            var dto = ToDto(dataset);
            dto.Experiment_ids = dataset.ExperimentIds.ToList();
            return new G.CreateDatasetResponse { Dataset = dto };
        });
    }

    public override Task<ActionResult<G.GetDatasetResponse>> GetDatasetAsync(string dataset_id, string? page_token) =>
        Read(() => new G.GetDatasetResponse { Dataset = ToDto(FindDataset(dataset_id)) });

    public override Task<ActionResult<G.DeleteDatasetResponse>> DeleteDatasetAsync(G.DeleteDataset? body, string dataset_id) => Write(() =>
    {
        // MLflow only logs a warning for an unknown dataset.
        EvaluationDatasets.Remove(dataset_id);
        return new G.DeleteDatasetResponse();
    });

    public override Task<ActionResult<G.SearchEvaluationDatasetsResponse>> SearchEvaluationDatasetsAsync(G.SearchEvaluationDatasets? body) =>
        SearchEvaluationDatasets(body?.Experiment_ids, body?.Filter_string, body?.Max_results, body?.Order_by, body?.Page_token);

    public override Task<ActionResult<G.SearchEvaluationDatasetsResponse>> SearchEvaluationDatasetsGetAsync(IEnumerable<string>? experiment_ids, string? filter_string, int? max_results, IEnumerable<string>? order_by, string? page_token) =>
        SearchEvaluationDatasets(experiment_ids?.ToList(), filter_string, max_results, order_by?.ToList(), page_token);

    private Task<ActionResult<G.SearchEvaluationDatasetsResponse>> SearchEvaluationDatasets(List<string>? experimentIds, string? filter, int? maxResults, List<string>? orderBy, string? pageToken)
    {
        var max = maxResults ?? 1000;
        if (max < 1 || max > MaxDatasetSearchResults)
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be between 1 and {MaxDatasetSearchResults}.");
        var clauses = SearchFilter.Parse(filter, SearchFilter.EvaluationDatasets);
        var terms = SearchFilter.ParseOrderBy(orderBy, SearchFilter.EvaluationDatasets);
        var wanted = experimentIds is { Count: > 0 } ? experimentIds.ToHashSet(StringComparer.Ordinal) : null;
        return Read(() =>
        {
            var matching = EvaluationDatasets.Values
                .Where(d => wanted is null || d.ExperimentIds.Any(wanted.Contains))
                .Where(d => SearchFilter.Matches(clauses, (kind, key) => DatasetValue(d, kind, key)));
            var ordered = SearchFilter.Order(matching, terms, DatasetValue, items => items.OrderByDescending(d => d.CreatedTime));
            ordered = ((IOrderedEnumerable<EvaluationDatasetEntity>)ordered).ThenBy(d => d.Id, StringComparer.Ordinal);
            var (page, next) = PageToken.Slice(ordered, pageToken, max);
            return new G.SearchEvaluationDatasetsResponse { Datasets = page.Select(ToDto).ToList(), Next_page_token = next };
        });
    }

    private static object? DatasetValue(EvaluationDatasetEntity d, KeyKind kind, string key) => kind switch
    {
        KeyKind.Tag => d.Tags.Get(key),
        KeyKind.Attribute => key switch
        {
            "name" => d.Name,
            "dataset_id" => d.Id,
            "digest" => d.Digest,
            "created_by" => d.CreatedBy,
            "last_updated_by" => d.LastUpdatedBy,
            "created_time" => (double)d.CreatedTime,
            "last_update_time" => (double)d.LastUpdateTime,
            _ => null,
        },
        _ => null,
    };

    public override Task<ActionResult<G.SetDatasetTagsResponse>> SetDatasetTagsAsync(G.SetDatasetTags body, string dataset_id)
    {
        var tags = ParseStringMap(MlflowError.Required(body.Tags, "tags"), "tags");
        return Write(() =>
        {
            var dataset = EvaluationDatasets.Find(dataset_id)
                ?? throw MlflowError.NotFound($"Could not find evaluation dataset with ID {dataset_id}");
            foreach (var (key, value) in tags.Items) dataset.Tags.Set(key, value);
            EvaluationDatasets.Touch(dataset);
            return new G.SetDatasetTagsResponse();
        });
    }

    public override Task<ActionResult<G.DeleteDatasetTagResponse>> DeleteDatasetTagAsync(G.DeleteDatasetTag? body, string dataset_id, string key) => Write(() =>
    {
        // Idempotent in MLflow: an unknown dataset or tag is not an error.
        if (EvaluationDatasets.Find(dataset_id) is { } dataset && dataset.Tags.Remove(key)) EvaluationDatasets.Touch(dataset);
        return new G.DeleteDatasetTagResponse();
    });

    public override Task<ActionResult<G.AddDatasetToExperimentsResponse>> AddDatasetToExperimentsAsync(G.AddDatasetToExperiments? body, string dataset_id) => Write(() =>
    {
        var dataset = EvaluationDatasets.Find(dataset_id) ?? throw MlflowError.NotFound($"Dataset '{dataset_id}' not found");
        var ids = body?.Experiment_ids ?? [];
        foreach (var id in ids)
            if (Experiments.Find(id) is null) throw MlflowError.NotFound($"Experiment '{id}' not found");
        foreach (var id in ids)
            if (!dataset.ExperimentIds.Contains(id)) dataset.ExperimentIds.Add(id);
        dataset.LastUpdateTime = Now();
        EvaluationDatasets.Touch(dataset);
        return new G.AddDatasetToExperimentsResponse { Dataset = ToDto(dataset) };
    });

    public override Task<ActionResult<G.RemoveDatasetFromExperimentsResponse>> RemoveDatasetFromExperimentsAsync(G.RemoveDatasetFromExperiments? body, string dataset_id) => Write(() =>
    {
        var dataset = EvaluationDatasets.Find(dataset_id) ?? throw MlflowError.NotFound($"Dataset '{dataset_id}' not found");
        var removed = dataset.ExperimentIds.RemoveAll(id => (body?.Experiment_ids ?? []).Contains(id));
        if (removed > 0)
        {
            dataset.LastUpdateTime = Now();
            EvaluationDatasets.Touch(dataset);
        }
        return new G.RemoveDatasetFromExperimentsResponse { Dataset = ToDto(dataset) };
    });

    public override Task<ActionResult<G.GetDatasetExperimentIdsResponse>> GetDatasetExperimentIdsAsync(string dataset_id) =>
        Read(() => new G.GetDatasetExperimentIdsResponse { Experiment_ids = FindDataset(dataset_id).ExperimentIds.ToList() });

    public override Task<ActionResult<G.UpsertDatasetRecordsResponse>> UpsertDatasetRecordsAsync(G.UpsertDatasetRecords body, string dataset_id)
    {
        var text = MlflowError.Required(body.Records, "records");
        JsonArray records;
        try
        {
            records = JsonNode.Parse(text) as JsonArray ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw MlflowError.InvalidParameter("Invalid value for parameter 'records' supplied: it must be a JSON array of record objects.");
        }
        var incoming = records.Select(r => r as JsonObject ?? throw MlflowError.InvalidParameter("Invalid value for parameter 'records' supplied: each record must be a JSON object.")).ToList();
        return Write(() =>
        {
            var dataset = FindDataset(dataset_id);
            var now = Now();
            int inserted = 0, updated = 0;
            string? updatedBy = body.Updated_by;
            foreach (var record in incoming)
            {
                var inputs = record["inputs"] as JsonObject ?? [];
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PythonJson.Dumps(inputs, sortKeys: true))));
                var tags = record["tags"] as JsonObject;
                var user = (string?)(tags?["mlflow.user"] as JsonValue);
                if (user is not null) updatedBy = user;
                var existing = dataset.Records.FirstOrDefault(r => r.InputHash == hash);
                if (existing is not null)
                {
                    // MLflow's merge: expectations and tags are merged key by key, outputs and source replaced.
                    if (record["expectations"] is JsonObject expectations)
                    {
                        existing.Expectations ??= [];
                        foreach (var (key, value) in expectations) existing.Expectations[key] = value?.DeepClone();
                    }
                    if (tags is not null)
                        foreach (var (key, value) in tags) existing.Tags[key] = value?.DeepClone();
                    if (record.ContainsKey("outputs")) existing.Outputs = record["outputs"]?.DeepClone();
                    if (record["source"] is { } source) existing.Source = source.DeepClone();
                    existing.LastUpdateTime = now;
                    if (user is not null) existing.LastUpdatedBy = user;
                    updated++;
                }
                else
                {
                    dataset.Records.Add(new DatasetRecordEntity
                    {
                        Id = "dr-" + Guid.NewGuid().ToString("N"),
                        InputHash = hash,
                        Inputs = (JsonObject)inputs.DeepClone(),
                        Outputs = record.ContainsKey("outputs") ? record["outputs"]?.DeepClone() : new JsonObject(),
                        Expectations = record["expectations"]?.DeepClone() as JsonObject,
                        Tags = tags?.DeepClone() as JsonObject ?? [],
                        Source = record["source"]?.DeepClone(),
                        CreatedTime = now,
                        LastUpdateTime = now,
                        CreatedBy = user,
                        LastUpdatedBy = user,
                    });
                    inserted++;
                }
            }
            dataset.Schema = UpdatedSchema(dataset.Schema, incoming);
            if (dataset.Records.Count > 0) dataset.Profile = PythonJson.Dumps(new JsonObject { ["num_records"] = dataset.Records.Count });
            dataset.LastUpdateTime = now;
            dataset.LastUpdatedBy = updatedBy;
            dataset.Digest = DatasetDigest(dataset.Name, now);
            EvaluationDatasets.Touch(dataset);
            return new G.UpsertDatasetRecordsResponse { Inserted_count = inserted, Updated_count = updated };
        });
    }

    public override Task<ActionResult<G.GetDatasetRecordsResponse>> GetDatasetRecordsAsync(string dataset_id, int? max_results, string? page_token)
    {
        var max = max_results is > 0 ? max_results.Value : DefaultRecordResults;
        var (afterTime, afterId, skip) = RecordCursor(page_token);
        return Read(() =>
        {
            var dataset = FindDataset(dataset_id);
            var ordered = dataset.Records.OrderBy(r => r.CreatedTime).ThenBy(r => r.Id, StringComparer.Ordinal)
                .Where(r => afterId is null || r.CreatedTime > afterTime || (r.CreatedTime == afterTime && string.CompareOrdinal(r.Id, afterId) > 0))
                .Skip(skip)
                .Take(max + 1)
                .ToList();
            string? next = null;
            if (ordered.Count > max)
            {
                ordered.RemoveAt(ordered.Count - 1);
                var last = ordered[^1];
                next = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.CreatedTime.ToString(CultureInfo.InvariantCulture)}:{last.Id}"));
            }
            return new G.GetDatasetRecordsResponse
            {
                Records = PythonJson.Dumps(new JsonArray(ordered.Select(r => (JsonNode?)RecordJson(r, dataset.Id)).ToArray())),
                Next_page_token = next,
            };
        });
    }

    public override Task<ActionResult<G.DeleteDatasetRecordsResponse>> DeleteDatasetRecordsAsync(G.DeleteDatasetRecords? body, string dataset_id) => Write(() =>
    {
        var dataset = FindDataset(dataset_id);
        var ids = (body?.Dataset_record_ids ?? []).ToHashSet(StringComparer.Ordinal);
        var deleted = dataset.Records.RemoveAll(r => ids.Contains(r.Id));
        if (deleted > 0)
        {
            var now = Now();
            dataset.Profile = dataset.Records.Count > 0 ? PythonJson.Dumps(new JsonObject { ["num_records"] = dataset.Records.Count }) : null;
            dataset.LastUpdateTime = now;
            dataset.Digest = DatasetDigest(dataset.Name, now);
            EvaluationDatasets.Touch(dataset);
        }
        return new G.DeleteDatasetRecordsResponse { Deleted_count = deleted };
    });

    private EvaluationDatasetEntity FindDataset(string? id)
    {
        if (string.IsNullOrEmpty(id)) throw MlflowError.MissingParameter("dataset_id");
        return EvaluationDatasets.Find(id) ?? throw MlflowError.NotFound($"Evaluation dataset with id '{id}' not found");
    }

    /// <summary>MLflow's digest of a dataset's state: the first 8 hex digits of SHA-256 over <c>"name:last_update_time"</c>.</summary>
    private static string DatasetDigest(string name, long time) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{name}:{time.ToString(CultureInfo.InvariantCulture)}")))[..8];

    /// <summary>A JSON object of strings sent as text (a dataset's tags): parsed, in order; values that are not strings are written as JSON.</summary>
    private static TagMap ParseStringMap(string? text, string field)
    {
        var map = new TagMap();
        if (string.IsNullOrEmpty(text)) return map;
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(text) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw MlflowError.InvalidParameter($"Invalid value for parameter '{field}' supplied: it must be a JSON object.");
        }
        foreach (var (key, value) in obj)
        {
            if (value is null) continue;
            map.Set(key, value is JsonValue v && v.TryGetValue<string>(out var s) ? s : PythonJson.Dumps(value));
        }
        return map;
    }

    /// <summary>The dataset's schema grown by the fields of new records (types: string, integer, float, boolean, array, object, null).</summary>
    private static string? UpdatedSchema(string? existing, IEnumerable<JsonObject> records)
    {
        var schema = existing is null
            ? new JsonObject { ["inputs"] = new JsonObject(), ["outputs"] = new JsonObject(), ["expectations"] = new JsonObject(), ["version"] = "1.0" }
            : JsonNode.Parse(existing)!.AsObject();
        var any = existing is not null;
        foreach (var record in records)
        {
            any = true;
            if (record["inputs"] is JsonObject inputs)
                foreach (var (key, value) in inputs) AddField(schema["inputs"]!.AsObject(), key, value);
            if (record.ContainsKey("outputs") && record["outputs"] is { } outputs)
            {
                if (outputs is JsonObject fields)
                {
                    if (schema["outputs"] is JsonObject known)
                        foreach (var (key, value) in fields) AddField(known, key, value);
                }
                else if (schema["outputs"] is JsonObject { Count: 0 })
                {
                    schema["outputs"] = FieldType(outputs);
                }
            }
            if (record["expectations"] is JsonObject expectations)
                foreach (var (key, value) in expectations) AddField(schema["expectations"]!.AsObject(), key, value);
        }
        return any ? PythonJson.Dumps(schema) : null;

        static void AddField(JsonObject target, string key, JsonNode? value)
        {
            if (!target.ContainsKey(key)) target[key] = FieldType(value);
        }
    }

    private static string FieldType(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray => "array",
        JsonObject => "object",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => v.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0 ? "float" : "integer",
            JsonValueKind.Null => "null",
            _ => "unknown",
        },
        _ => "unknown",
    };

    /// <summary>A record as MLflow's <c>to_dict</c> writes it.</summary>
    private static JsonObject RecordJson(DatasetRecordEntity r, string datasetId)
    {
        var json = new JsonObject
        {
            ["dataset_record_id"] = r.Id,
            ["dataset_id"] = datasetId,
            ["inputs"] = r.Inputs.DeepClone(),
        };
        if (r.Expectations is not null) json["expectations"] = r.Expectations.DeepClone();
        json["tags"] = r.Tags.DeepClone();
        if (r.Source is not null) json["source"] = r.Source.DeepClone();
        json["created_time"] = r.CreatedTime;
        json["last_update_time"] = r.LastUpdateTime;
        if (r.CreatedBy is not null) json["created_by"] = r.CreatedBy;
        if (r.LastUpdatedBy is not null) json["last_updated_by"] = r.LastUpdatedBy;
        json["outputs"] = r.Outputs?.DeepClone();
        return json;
    }

    /// <summary>A records page token: base64 of <c>"created_time:record_id"</c> (MLflow also takes a plain offset).</summary>
    private static (long AfterTime, string? AfterId, int Skip) RecordCursor(string? token)
    {
        if (string.IsNullOrEmpty(token)) return (0, null, 0);
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out var time)) return (time, text[(colon + 1)..], 0);
        }
        catch (FormatException)
        {
        }
        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? (0, null, offset)
            : throw MlflowError.InvalidParameter($"Invalid page token: {token}");
    }

    private static G.EvaluationDataset ToDto(EvaluationDatasetEntity d) => new()
    {
        Dataset_id = d.Id,
        Name = d.Name,
        Tags = PythonJson.Dumps(TagsJson(d.Tags)),
        Schema = d.Schema,
        Profile = d.Profile,
        Digest = d.Digest,
        Created_time = d.CreatedTime,
        Last_update_time = d.LastUpdateTime,
        Created_by = d.CreatedBy,
        Last_updated_by = d.LastUpdatedBy,
    };

    private static JsonObject TagsJson(TagMap tags)
    {
        var json = new JsonObject();
        foreach (var (key, value) in tags.Items) json[key] = value;
        return json;
    }
}
