// The blocked triangular inverse behind every scene's σ, log det Σ and trace Σ: C W = I at every
// size the recursion splits differently, zeros above the diagonal, and the same W as a solve.
#include <QtTest>

#include <Eigen/Dense>

#include "base/TriangularInverse.h"

using namespace specres;

class TriangularInverseTest : public QObject {
    Q_OBJECT
private slots:
    void inverseOfEverySize_data() {
        QTest::addColumn<int>("n");
        for (int n : {1, 2, 5, 24, 25, 49, 85, 99, 130})
            QTest::newRow(qPrintable(QString::number(n))) << n;
    }
    void inverseOfEverySize() {
        QFETCH(int, n);
        Eigen::MatrixXd c = Eigen::MatrixXd::Random(n, n);
        c.diagonal() = c.diagonal().cwiseAbs().array() + 2.0;
        c.triangularView<Eigen::StrictlyUpper>().setConstant(1e9);  // must never be read
        Eigen::MatrixXd w = Eigen::MatrixXd::Constant(n, n, 7.0);   // must be overwritten
        invertLowerTriangular(c, w);
        const Eigen::MatrixXd lower = c.triangularView<Eigen::Lower>();
        QVERIFY((lower * w - Eigen::MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff() < 1e-12);
        QCOMPARE(w.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().cwiseAbs().maxCoeff(),
                 0.0);
        Eigen::MatrixXd solved = Eigen::MatrixXd::Identity(n, n);
        lower.triangularView<Eigen::Lower>().solveInPlace(solved);
        QVERIFY((w - solved).cwiseAbs().maxCoeff() <
                1e-12 * std::max(1.0, solved.cwiseAbs().maxCoeff()));
    }
};

QTEST_GUILESS_MAIN(TriangularInverseTest)
#include "test_triangular_inverse.moc"
