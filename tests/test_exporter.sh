#!/bin/sh
# test_exporter.sh: tools/glassbox-export-sklearn end to end.  Fresh models
# are trained here (not the committed fixtures), pickled, exported with the
# command, and glassbox's predictions of the exported file are held against
# what scikit-learn itself predicts, within 1e-9 x max(1, |v|).  Also: the
# command's refusals, and the two behaviours of newer scikit-learn releases
# (fraction-valued classifier leaves from 1.4, missing_go_to_left from 1.3)
# imitated on whatever release is installed.  Needs Debian's /usr/bin/python3
# with scikit-learn; skipped without it.
. "${top_srcdir:-.}/tests/lib.sh"

PY=${GB_SKLEARN_PYTHON:-/usr/bin/python3}
EXPORT=$top_srcdir/tools/glassbox-export-sklearn
if ! "$PY" -c 'import sklearn, joblib, numpy' 2>/dev/null; then
    echo "1..0 # SKIP $PY has no scikit-learn"
    exit 0
fi
if [ ! -x "$GLASSBOX" ] || [ ! -x "$CSVCMP" ]; then
    echo "1..0 # SKIP glassbox or tests/csvcmp is not built"
    exit 0
fi

# Train, pickle and predict.  Each model NAME gets NAME.pkl, NAME.csv (its
# data, header = the names glassbox will see), NAME.raw.csv and NAME.out.csv
# (scikit-learn's margins and outputs as glassbox prints them:
# row,class,value) and NAME.args (extra exporter options).
"$PY" - "$TMP" <<'EOF' >"$TMP/train.log" 2>&1
import pickle, sys
import joblib
import numpy as np
try:  # DataFrame-fitted models only when pandas is there
    import pandas as pd
    open(sys.argv[1] + "/have-pandas", "w").close()
except ImportError:
    pd = None
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, GradientBoostingClassifier,
                              GradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import ElasticNet, LinearRegression, LogisticRegression, Ridge
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

out = sys.argv[1]
rs = np.random.RandomState(7)

def coarse(X):
    # Few distinct values, so that many rows sit next to split thresholds.
    return np.round(X, 1)

Xr, yr = make_regression(n_samples=300, n_features=6, noise=5.0, random_state=3)
Xr = coarse(Xr)
Xb, yb = make_classification(n_samples=300, n_features=7, n_informative=4, random_state=4)
Xb = coarse(Xb)
Xm, ym = make_classification(n_samples=300, n_features=5, n_informative=4, n_redundant=0, n_classes=4,
                             random_state=5)
Xm = coarse(Xm)
ym_labels = np.array(["ant", "bee", "cat", "dog"])[ym]

cases = {
    "dtr": (DecisionTreeRegressor(max_depth=7, random_state=1), Xr, yr, "joblib", None),
    "dtc": (DecisionTreeClassifier(max_depth=6, random_state=1), Xm, ym_labels, "pickle", None),
    "rfr": (RandomForestRegressor(n_estimators=5, max_depth=6, random_state=1), Xr, yr, "joblib", None),
    "rfc": (RandomForestClassifier(n_estimators=5, max_depth=5, random_state=1), Xb, yb, "joblib", "names"),
    "etc": (ExtraTreesClassifier(n_estimators=5, max_depth=5, random_state=1), Xm, ym, "joblib", None),
    "etr": (ExtraTreesRegressor(n_estimators=4, max_depth=5, random_state=1), Xr, yr, "pickle", None),
    "gbr": (GradientBoostingRegressor(n_estimators=25, max_depth=3, random_state=1), Xr, yr, "joblib", "frame"),
    "gbq": (GradientBoostingRegressor(loss="quantile", alpha=0.8, n_estimators=10, random_state=1), Xr, yr,
            "joblib", None),
    "gbc": (GradientBoostingClassifier(n_estimators=25, max_depth=3, random_state=1), Xb, yb, "joblib", None),
    "gbm": (GradientBoostingClassifier(n_estimators=8, max_depth=3, random_state=1), Xm, ym_labels, "joblib",
            None),
    "lin": (LinearRegression(), Xr, yr, "joblib", None),
    "rdg": (Ridge(alpha=3.0), Xr, yr, "joblib", "names"),
    "enet": (ElasticNet(alpha=0.5), Xr, yr, "joblib", None),
    "lgb": (LogisticRegression(max_iter=2000), Xb, yb, "joblib", None),
    "lgm": (LogisticRegression(max_iter=2000, multi_class="multinomial"), Xm, ym, "joblib", "frame"),
}

def table(a):
    a = np.asarray(a, dtype=np.float64)
    return a.reshape(len(a), -1)

def write_pred(path, values):
    with open(path, "w") as f:
        f.write("row,class,value\n")
        for r, row in enumerate(values):
            for g, v in enumerate(row):
                f.write("%d,%d,%r\n" % (r, g, float(v)))

for name, (model, X, y, how, names_from) in cases.items():
    if names_from == "frame" and pd is None:
        names_from = None
    names = ["f%d" % i for i in range(X.shape[1])]
    args = ""
    if names_from == "names":
        names = ["col_%s" % chr(97 + i) for i in range(X.shape[1])]
        args = "--features " + ",".join(names)
    if names_from == "frame":
        names = ["feature %d" % i for i in range(X.shape[1])]
        model.fit(pd.DataFrame(X, columns=names), y)
    else:
        model.fit(X, y)
    # Rows to predict: training rows, and rows whose values are the midpoints
    # of neighbouring float32 grid values, computed as sklearn computes its
    # thresholds: many sit exactly on a split, where float32 casting and <=
    # decide the branch.
    f32 = lambda a: a.astype(np.float32).astype(np.float64)
    rows = np.vstack([X[:60], f32(X[60:90]) / 2.0 + f32(X[60:90] + 0.1) / 2.0])
    Xp = pd.DataFrame(rows, columns=names) if names_from == "frame" else rows
    if hasattr(model, "decision_function"):
        raw = table(model.decision_function(Xp))
    elif hasattr(model, "predict_proba"):
        raw = table(model.predict_proba(Xp))
    else:
        raw = table(model.predict(Xp))
    outv = table(model.predict_proba(Xp)) if hasattr(model, "predict_proba") else table(model.predict(Xp))
    if hasattr(model, "classes_") and len(model.classes_) == 2:
        outv = outv[:, 1:]
        raw = raw[:, 1:] if raw.shape[1] == 2 else raw
    if how == "pickle":
        with open("%s/%s.pkl" % (out, name), "wb") as f:
            pickle.dump(model, f)
    else:
        joblib.dump(model, "%s/%s.pkl" % (out, name))
    with open("%s/%s.csv" % (out, name), "w") as f:
        f.write(",".join(names) + "\n")
        for row in rows:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    write_pred("%s/%s.raw.csv" % (out, name), raw)
    write_pred("%s/%s.out.csv" % (out, name), outv)
    with open("%s/%s.args" % (out, name), "w") as f:
        f.write(args)

# Models the exporter must refuse.
from sklearn.neighbors import KNeighborsClassifier
from sklearn.linear_model import LinearRegression as LR
joblib.dump(KNeighborsClassifier().fit(Xb, yb), out + "/knn.pkl")
joblib.dump(LogisticRegression(max_iter=2000, multi_class="ovr").fit(Xm, ym), out + "/ovr.pkl")
joblib.dump(GradientBoostingClassifier(loss="exponential", n_estimators=3).fit(Xb, yb), out + "/expo.pkl")
joblib.dump(GradientBoostingRegressor(n_estimators=3, init=LR()).fit(Xr, yr), out + "/init.pkl")
joblib.dump(LR().fit(Xr, np.c_[yr, yr]), out + "/multi.pkl")
joblib.dump(DecisionTreeRegressor(), out + "/unfitted.pkl")
EOF
check "scikit-learn trains the models" [ -s "$TMP/dtr.pkl" ]
[ -s "$TMP/dtr.pkl" ] || sed 's/^/#   /' "$TMP/train.log" | tail -20

for name in dtr dtc rfr rfc etc etr gbr gbq gbc gbm lin rdg enet lgb lgm; do
    # shellcheck disable=SC2046 # the options are words on purpose
    check "$name: the exporter writes a model" \
        "$PY" "$EXPORT" "$TMP/$name.pkl" -o "$TMP/$name.json" $(cat "$TMP/$name.args")
    check "$name: glassbox's margins are scikit-learn's" sh -c \
        "'$GLASSBOX' predict --raw -d '$TMP/$name.csv' -m '$TMP/$name.json' >'$TMP/$name.graw.csv' &&
         '$CSVCMP' --tol 1e-9 '$TMP/$name.graw.csv' '$TMP/$name.raw.csv'"
    check "$name: glassbox's outputs are scikit-learn's" sh -c \
        "'$GLASSBOX' predict -d '$TMP/$name.csv' -m '$TMP/$name.json' >'$TMP/$name.gout.csv' &&
         '$CSVCMP' --tol 1e-9 '$TMP/$name.gout.csv' '$TMP/$name.out.csv'"
done

grep -q '"features": \["col_a", "col_b"' "$TMP/rfc.json"
ok $? "--features names the features"
if [ -e "$TMP/have-pandas" ]; then
    grep -q '"features": \["feature 0", "feature 1"' "$TMP/gbr.json"
    ok $? "a model fitted on a DataFrame keeps feature_names_in_"
fi
grep -q '"classes": \["ant", "bee", "cat", "dog"\]' "$TMP/gbm.json"
ok $? "class labels are recorded"
grep -q '"decision": "<="' "$TMP/dtr.json" && grep -q '"input_float32": true' "$TMP/dtr.json"
ok $? "trees say <= and float32 input"

# Refusals: exit status 2, one line naming the file and the reason, no output.
refuses() { # DESCRIPTION FRAGMENT PKL [OPTIONS]
    desc=$1 want=$2 pkl=$3
    shift 3
    "$PY" "$EXPORT" "$TMP/$pkl" -o "$TMP/refused.json" "$@" 2>"$TMP/refused.err"
    status=$?
    leftovers=$(find "$TMP" -name 'refused.json.*' | wc -l)
    if [ $status -eq 2 ] && grep -qF -- "$want" "$TMP/refused.err" && grep -qF "$pkl" "$TMP/refused.err" &&
        [ ! -e "$TMP/refused.json" ] && [ "$leftovers" -eq 0 ]; then
        ok 0 "$desc"
    else
        ok 1 "$desc"
        echo "#   exit status $status; stderr:"
        sed 's/^/#     /' "$TMP/refused.err" | head -5
    fi
}
refuses "an unsupported estimator" "KNeighborsClassifier is not supported" knn.pkl
refuses "one-vs-rest logistic regression" "one-vs-rest multiclass LogisticRegression is not supported" ovr.pkl
refuses "the exponential loss" "loss='exponential' is not supported" expo.pkl
refuses "a custom init estimator" "init estimator LinearRegression is not supported" init.pkl
refuses "multi-target regression" "multi-target linear regression is not supported" multi.pkl
refuses "an unfitted model" "is not fitted" unfitted.pkl
refuses "a wrong number of feature names" "2 feature names given, but the model has 6 features" dtr.pkl --features a,b
printf 'not a pickle' >"$TMP/junk.pkl"
refuses "a file that is not a pickle" "cannot load" junk.pkl

# Newer scikit-learn, imitated: leaves holding fractions (1.4) must export
# the same probabilities as counts; missing_go_to_left (1.3) must become
# default_left.  Checked through export(), the importable function.
check "export() on fraction-valued leaves equals export() on counts" "$PY" - "$EXPORT" <<'EOF'
import importlib.machinery, importlib.util, sys
import numpy as np
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier
loader = importlib.machinery.SourceFileLoader("gbx", sys.argv[1])
spec = importlib.util.spec_from_loader("gbx", loader)
gbx = importlib.util.module_from_spec(spec)
loader.exec_module(gbx)
X, y = load_iris(return_X_y=True)
clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
counts = gbx.export(clf)

class Tree:  # the 1.4 tree_: the same nodes, normalised values
    def __init__(self, t):
        self._t = t
        v = np.array(t.value, dtype=np.float64)
        self.value = v / v.sum(axis=2, keepdims=True)
    def __getattr__(self, name):
        return getattr(self._t, name)

class Newer:
    def __init__(self, m, tree):
        self._m, self.tree_ = m, tree
    def __getattr__(self, name):
        return getattr(self._m, name)
Newer.__name__ = "DecisionTreeClassifier"
newer = Newer(clf, Tree(clf.tree_))
fractions = gbx.export(newer)
for a, b in zip(counts["trees"], fractions["trees"]):
    assert np.allclose(a["value"], b["value"], rtol=1e-15, atol=1e-15), (a["value"], b["value"])

tree = Tree(clf.tree_)
tree.missing_go_to_left = np.arange(clf.tree_.node_count) % 2
newer = Newer(clf, tree)
doc = gbx.export(newer)
left = np.array(doc["trees"][0]["left"])
dl = np.array(doc["trees"][0]["default_left"])
want = np.where(left == -1, 0, np.arange(len(left)) % 2)
assert (dl == want).all(), (dl, want)
EOF

finish
