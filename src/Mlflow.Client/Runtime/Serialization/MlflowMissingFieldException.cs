using System;

namespace Mlflow.Client.Serialization;

/// <summary>
/// Raised when code reads a field that MLflow always writes (a non-nullable property of a generated model) and
/// the server's answer did not carry it: the server is not speaking MLflow's protocol as this SDK knows it, or
/// the model was built in code without setting the field.
/// </summary>
public sealed class MlflowMissingFieldException : InvalidOperationException
{
    /// <summary>Creates the exception for a field of a model.</summary>
    /// <param name="typeName">The model (C#) type name.</param>
    /// <param name="fieldName">The field's wire name.</param>
    public MlflowMissingFieldException(string typeName, string fieldName)
        : base(typeName + "." + fieldName + " is not set: MLflow always writes this field, but the answer read (or the object built in code) has none. Check that the tracking URI points at an MLflow server of a supported version.")
    {
        TypeName = typeName;
        FieldName = fieldName;
    }

    /// <summary>
    /// Creates the exception for a field whose value arrived but is not one this SDK knows (an enum value of a newer
    /// MLflow); the raw value stays in the model's <c>AdditionalData</c> under the field's wire name.
    /// </summary>
    /// <param name="typeName">The model (C#) type name.</param>
    /// <param name="fieldName">The field's wire name.</param>
    /// <param name="rawValue">The value as it arrived.</param>
    public MlflowMissingFieldException(string typeName, string fieldName, string? rawValue)
        : base(typeName + "." + fieldName + " holds '" + rawValue + "', a value this SDK does not know (a newer MLflow?); it is kept as read in AdditionalData[\"" + fieldName + "\"] and written back unchanged.")
    {
        TypeName = typeName;
        FieldName = fieldName;
        RawValue = rawValue;
    }

    /// <summary>The value as it arrived when it was not one this SDK knows; null when the field was absent.</summary>
    public string? RawValue { get; }

    /// <summary>The model type whose field is missing.</summary>
    public string TypeName { get; }

    /// <summary>The missing field's wire name (snake_case).</summary>
    public string FieldName { get; }
}
