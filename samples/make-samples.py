#!/usr/bin/python3
"""Regenerates the bundled samples: real datasets and models trained on them.

Run with Debian's python3 (python3-xgboost, python3-sklearn, python3-pandas):
    /usr/bin/python3 samples/make-samples.py
Everything is seeded, so a rerun with the same library versions gives the
same files.  The datasets are the copies that scikit-learn ships; see
samples/README.md for where they come from and their licences.
"""
import os
import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn import datasets
from sklearn.ensemble import RandomForestClassifier, GradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge

HERE = os.path.dirname(os.path.abspath(__file__))


def _exporter():
    """tools/glassbox-export-sklearn, imported although its name has dashes."""
    import importlib.machinery
    import importlib.util
    path = os.path.join(HERE, "..", "tools", "glassbox-export-sklearn")
    loader = importlib.machinery.SourceFileLoader("glassbox_export_sklearn", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


EXPORTER = _exporter()


def export_to_file(model, path, feature_names):
    EXPORTER.write(EXPORTER.export(model, feature_names), path)


def write_csv(df, path):
    df.to_csv(path, index=False, float_format="%.17g")


def diabetes():
    """Regression: disease progression one year after baseline."""
    out = os.path.join(HERE, "diabetes")
    os.makedirs(out, exist_ok=True)
    d = datasets.load_diabetes(as_frame=True, scaled=False)
    X = d.data.rename(columns={"s1": "tc", "s2": "ldl", "s3": "hdl", "s4": "tch", "s5": "ltg", "s6": "glu"})
    df = X.copy()
    df["target"] = d.target
    write_csv(df, os.path.join(out, "data.csv"))
    booster = xgb.train({"objective": "reg:squarederror", "max_depth": 4, "eta": 0.1, "seed": 0},
                        xgb.DMatrix(X, label=d.target), num_boost_round=100)
    booster.save_model(os.path.join(out, "xgboost.json"))
    ridge = Ridge(alpha=1.0).fit(X, d.target)
    export_to_file(ridge, os.path.join(out, "ridge.json"), list(X.columns))
    gbr = GradientBoostingRegressor(n_estimators=60, max_depth=3, random_state=0).fit(X, d.target)
    export_to_file(gbr, os.path.join(out, "sklearn-gbr.json"), list(X.columns))


def breast_cancer():
    """Binary classification: malignant (0) or benign (1) tumour."""
    out = os.path.join(HERE, "breast_cancer")
    os.makedirs(out, exist_ok=True)
    d = datasets.load_breast_cancer(as_frame=True)
    X = d.data
    df = X.copy()
    df["target"] = d.target
    write_csv(df, os.path.join(out, "data.csv"))
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "eta": 0.2, "seed": 0},
                        xgb.DMatrix(X, label=d.target), num_boost_round=80)
    booster.save_model(os.path.join(out, "xgboost.ubj"))
    rf = RandomForestClassifier(n_estimators=50, max_depth=6, random_state=0).fit(X, d.target)
    export_to_file(rf, os.path.join(out, "sklearn-forest.json"), list(X.columns))


def iris():
    """Multiclass: three species of iris from four measurements."""
    out = os.path.join(HERE, "iris")
    os.makedirs(out, exist_ok=True)
    d = datasets.load_iris(as_frame=True)
    X = d.data.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    df = X.copy()
    df["species"] = [d.target_names[i] for i in d.target]
    write_csv(df, os.path.join(out, "data.csv"))
    booster = xgb.train({"objective": "multi:softprob", "num_class": 3, "max_depth": 3, "eta": 0.3, "seed": 0},
                        xgb.DMatrix(X, label=d.target), num_boost_round=30)
    booster.save_model(os.path.join(out, "xgboost.json"))
    logit = LogisticRegression(max_iter=1000).fit(X, d.target)
    export_to_file(logit, os.path.join(out, "logistic.json"), list(X.columns))


if __name__ == "__main__":
    diabetes()
    breast_cancer()
    iris()
