using System.Collections.Generic;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Mlflow.Client;

/// <summary>
/// The error-mapping hook of the generated request builders. Every builder passes its error mapping (built from
/// the spec's non-2xx responses) through <see cref="For"/>; hand-written code may implement the partial method
/// <c>Customize</c> in a partial declaration of this class to add or replace entries.
/// </summary>
internal static partial class MlflowErrorMapping
{
    /// <summary>Lets hand-written code adjust the error mapping of an operation.</summary>
    static partial void Customize(string operationId, Dictionary<string, ParsableFactory<IParsable>> errorMapping);

    /// <summary>Returns the error mapping of an operation after the customization hook ran.</summary>
    public static Dictionary<string, ParsableFactory<IParsable>> For(
        string operationId,
        Dictionary<string, ParsableFactory<IParsable>> errorMapping)
    {
        Customize(operationId, errorMapping);
        return errorMapping;
    }
}
