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

    /// <summary>The model type whose field is missing.</summary>
    public string TypeName { get; }

    /// <summary>The missing field's wire name (snake_case).</summary>
    public string FieldName { get; }
}
