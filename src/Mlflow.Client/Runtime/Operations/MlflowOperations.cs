using System;
using System.Collections.Generic;

namespace Mlflow.Client;

/// <summary>
/// The operations of the spec, by operationId, with the request builder that serves each. The list itself
/// (<c>Create</c>) is generated from the spec; the lookup is written here.
/// </summary>
public static partial class MlflowOperations
{
    private static readonly Lazy<IReadOnlyDictionary<string, MlflowOperation>> ById = new(Index);

    /// <summary>Every operation, in spec order of request builders.</summary>
    public static IReadOnlyList<MlflowOperation> All { get; } = Create();

    /// <summary>The operation with this operationId, or null.</summary>
    /// <param name="operationId">The spec operationId.</param>
    /// <returns>The operation, or null when the spec has none with that id.</returns>
    public static MlflowOperation? Find(string operationId) => ById.Value.TryGetValue(operationId, out var op) ? op : null;

    private static IReadOnlyDictionary<string, MlflowOperation> Index()
    {
        var map = new Dictionary<string, MlflowOperation>(StringComparer.Ordinal);
        foreach (var op in All)
        {
            map[op.OperationId] = op;
        }

        return map;
    }

    /// <summary>One entry per operation of the spec (generated).</summary>
    private static partial IReadOnlyList<MlflowOperation> Create();
}
