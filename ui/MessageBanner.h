#pragma once

#include <QFrame>

class QLabel;

namespace specres::ui {

/// A dismissible message across the top of the window. Errors are shown here rather than in a
/// modal dialog, so the window stays usable and the message stays readable while the user
/// fixes the cause.
class MessageBanner : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Error, Warning, Information };
    explicit MessageBanner(QWidget* parent = nullptr);
    void showMessage(Kind kind, const QString& text);
    QString text() const;
    Kind kind() const { return kind_; }

private:
    QLabel* label_;
    Kind kind_ = Kind::Information;
};

}  // namespace specres::ui
